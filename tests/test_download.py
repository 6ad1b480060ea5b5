"""download and download_extract on local files, served from 127.0.0.1.

Covers: a verified download and its reuse, a hash mismatch, a download cut
off half way, no network at all (and the file placed by hand), and archives
whose members would land outside their folder.
"""
import hashlib
import http.server
import io
import os
import socket
import tarfile
import threading
import zipfile

import pytest

from d2lgan import core as d2l

PAYLOAD = b'pixels ' * 1000


def sha1(data):
    return hashlib.sha1(data).hexdigest()


def make_zip(members):
    """members: name -> bytes, or name -> ('link', target)"""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        for name, data in members.items():
            if isinstance(data, tuple):
                info = zipfile.ZipInfo(name)
                info.external_attr = (0o120777 << 16)  # a symbolic link
                z.writestr(info, data[1])
            else:
                z.writestr(name, data)
    return buf.getvalue()


def make_tar(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            if isinstance(data, tuple):
                info.type, info.linkname = tarfile.SYMTYPE, data[1]
                t.addfile(info)
            else:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


FILES = {
    '/sprites.bin': PAYLOAD,
    '/sheet.zip': make_zip({'sheet/a.txt': b'a', 'sheet/b/c.txt': b'c'}),
    '/flat.tar.gz': make_tar({'a.txt': b'a', 'b.txt': b'b'}),
    '/escape.zip': make_zip({'ok.txt': b'fine', '../../evil.txt': b'gotcha'}),
    '/absolute.tar.gz': make_tar({'ok.txt': b'fine', '/tmp/evil.txt': b'gotcha'}),
    '/link.tar.gz': make_tar({'ok.txt': b'fine', 'passwd': ('link', '../../../etc/passwd')}),
    '/abslink.zip': make_zip({'ok.txt': b'fine', 'home': ('link', '/home')}),
}


class Handler(http.server.BaseHTTPRequestHandler):
    hits = {}

    def do_GET(self):
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == '/cut.bin':  # promise the whole file, send a tenth
            self.send_response(200)
            self.send_header('Content-Length', str(len(PAYLOAD)))
            self.end_headers()
            self.wfile.write(PAYLOAD[:len(PAYLOAD) // 10])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        data = FILES.get(self.path)
        if data is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope='module')
def server():
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}'
    httpd.shutdown()


@pytest.fixture
def hub(server, monkeypatch):
    """A DATA_HUB whose entries point at the local server."""
    entries = {name.strip('/').split('.')[0]: (server + name, sha1(data))
               for name, data in FILES.items()}
    assert len(entries) == len(FILES)
    entries['wrong'] = (server + '/sprites.bin', sha1(b'something else'))
    entries['cut'] = (server + '/cut.bin', sha1(PAYLOAD))
    for name, entry in entries.items():  # as a reader adds data sets: d2l.DATA_HUB[name] = ...
        monkeypatch.setitem(d2l.DATA_HUB, name, entry)
    return entries


def closed_port_url(name):
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens here any more: like having no network
    return f'http://127.0.0.1:{port}/{name}'


def leftovers(folder):
    return sorted(os.listdir(folder)) if folder.exists() else []


def test_download_verifies_and_reuses_the_file(hub, tmp_path):
    path = d2l.download('sprites', tmp_path)
    assert open(path, 'rb').read() == PAYLOAD
    assert leftovers(tmp_path) == ['sprites.bin']
    hits = Handler.hits['/sprites.bin']
    assert d2l.download('sprites', tmp_path) == path
    assert Handler.hits['/sprites.bin'] == hits, 'a verified file is not fetched again'


def test_hash_mismatch_names_both_hashes_and_leaves_nothing(hub, tmp_path):
    with pytest.raises(d2l.DownloadError) as info:
        d2l.download('wrong', tmp_path)
    message = str(info.value)
    assert sha1(b'something else') in message and sha1(PAYLOAD) in message
    assert 'sprites.bin' in message
    assert leftovers(tmp_path) == []


def test_interrupted_download_leaves_no_file_to_trust(hub, tmp_path):
    with pytest.raises(d2l.DownloadError, match='cut.bin'):
        d2l.download('cut', tmp_path)
    assert leftovers(tmp_path) == []


def test_no_network_names_the_url_and_where_to_put_the_file(tmp_path):
    url = closed_port_url('sprites.bin')
    with pytest.raises(d2l.DownloadError) as info:
        d2l.download(url, tmp_path, sha1_hash=sha1(PAYLOAD))
    message = str(info.value)
    assert url in message
    assert str((tmp_path / 'sprites.bin').resolve()) in message
    assert sha1(PAYLOAD) in message
    assert leftovers(tmp_path) == []


def test_a_file_placed_by_hand_is_used_offline(tmp_path):
    (tmp_path / 'sprites.bin').write_bytes(PAYLOAD)
    url = closed_port_url('sprites.bin')
    assert d2l.download(url, tmp_path, sha1_hash=sha1(PAYLOAD)) == \
        str(tmp_path / 'sprites.bin')


def test_a_wrong_file_placed_by_hand_is_not_trusted(tmp_path):
    (tmp_path / 'sprites.bin').write_bytes(b'half a file')
    with pytest.raises(d2l.DownloadError, match='Could not download'):
        d2l.download(closed_port_url('sprites.bin'), tmp_path, sha1_hash=sha1(PAYLOAD))


def test_download_extract_zip_with_one_top_folder(hub, tmp_path):
    folder = d2l.download_extract('sheet', tmp_path)
    assert folder == str(tmp_path / 'sheet')
    assert open(os.path.join(folder, 'b', 'c.txt')).read() == 'c'
    assert sorted(os.listdir(tmp_path)) == ['sheet', 'sheet.zip']
    assert d2l.download_extract('sheet', tmp_path) == folder  # reused


def test_download_extract_flat_tar(hub, tmp_path):
    folder = d2l.download_extract('flat', tmp_path)
    assert sorted(os.listdir(folder)) == ['a.txt', 'b.txt']


@pytest.mark.parametrize('name, why', [
    ('escape', "'../../evil.txt' has a '..' component"),
    ('absolute', "'/tmp/evil.txt' has an absolute path"),
    ('link', "'passwd' is a link to ../../../etc/passwd, outside the target folder"),
])
def test_unsafe_archives_are_refused_before_anything_is_extracted(hub, tmp_path, name, why):
    with pytest.raises(d2l.UnsafeArchiveError, match=why.replace('.', r'\.')):
        d2l.download_extract(name, tmp_path)
    assert [p for p in leftovers(tmp_path) if not p.endswith(('.zip', '.tar.gz'))] == []
    assert not (tmp_path.parent / 'evil.txt').exists()


def test_zip_links_to_absolute_paths_are_refused(hub, tmp_path):
    path = tmp_path / 'abslink.zip'
    path.write_bytes(FILES['/abslink.zip'])
    with pytest.raises(d2l.UnsafeArchiveError, match="'home' is a link to the absolute path"):
        d2l.check_archive(path)


def test_default_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv('D2LGAN_DATA', str(tmp_path))
    assert d2l.default_data_folder() == tmp_path
    monkeypatch.delenv('D2LGAN_DATA')
    assert d2l.default_data_folder().name == 'data'
