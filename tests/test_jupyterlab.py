"""JupyterLab as a learner meets it: started by `make lab`, every notebook's
figures show, and no news pop-up covers the notebook.

The server is started through the Makefile (on a free port, without a
browser), so that the test sees the server root and settings `make lab` gives.
"""
import base64
import json
import os
import posixpath
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
IMAGE = re.compile(r'!\[[^\]]*\]\(([^)\s]+)\)|<img[^>]*\ssrc="([^"]+)"')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server started by `make lab`."""

    def __init__(self):
        self.port, self.token = free_port(), secrets.token_hex(16)
        args = (f'--no-browser --port={self.port} --ip=127.0.0.1 '
                f'--IdentityProvider.token={self.token} --ServerApp.port_retries=0')
        self.process = subprocess.Popen(['make', '-s', 'lab', f'LAB_ARGS={args}'], cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                self.get('api/status')
                return
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f'make lab did not start a server:\n{self.log()}')
                time.sleep(0.5)

    def url(self, path):
        return f'http://127.0.0.1:{self.port}/{path}'

    def get(self, path):
        request = urllib.request.Request(self.url(path),
                                         headers={'Authorization': f'token {self.token}'})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def log(self):
        try:
            return self.process.communicate(timeout=10)[0][-3000:]
        except subprocess.TimeoutExpired:
            return '(no log)'

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture(scope='module')
def lab():
    server = Lab()
    yield server
    server.stop()


def served_notebooks(lab):
    """Paths (relative to the server root) of every notebook the server lists."""
    found, folders = [], ['']
    while folders:
        folder = folders.pop()
        for item in json.loads(lab.get(f'api/contents/{folder}'))['content']:
            if item['type'] == 'directory':
                folders.append(item['path'])
            elif item['type'] == 'notebook':
                found.append(item['path'])
    return sorted(found)


def is_image(data, mime):
    if mime == 'image/svg+xml':
        return b'<svg' in data[:2000]
    return data[:8] in (b'\x89PNG\r\n\x1a\n',) or data[:3] == b'\xff\xd8\xff'


def test_every_image_a_notebook_references_shows(lab):
    notebooks = served_notebooks(lab)
    assert len(notebooks) == len(list((ROOT / 'notebooks').glob('*/*.ipynb'))) >= 6
    checked, broken = 0, []
    for path in notebooks:
        nb = nbformat.reads(json.dumps(json.loads(lab.get(f'api/contents/{path}'))['content']),
                            as_version=4)
        for cell in nb.cells:
            if cell.cell_type != 'markdown':
                continue
            for link in (a or b for a, b in IMAGE.findall(cell.source)):
                checked += 1
                if link.startswith('attachment:'):
                    item = cell.get('attachments', {}).get(link[len('attachment:'):], {})
                    if not any(is_image(base64.b64decode(''.join(v)), m) for m, v in item.items()):
                        broken.append(f'{path}: {link} is not attached')
                    continue
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), link))
                if target.startswith('..'):
                    broken.append(f'{path}: {link} lies outside the server root')
                    continue
                try:
                    lab.get('files/' + target)
                except urllib.error.HTTPError as e:
                    broken.append(f'{path}: {link} -> HTTP {e.code}')
    assert checked >= 3, 'the notebooks reference images (the GAN diagram)'
    assert broken == []


def test_no_news_pop_up(lab):
    plugin = json.loads(lab.get('lab/api/settings/@jupyterlab/apputils-extension:notification'))
    # The course's overrides become the defaults; a learner may still change them.
    effective = {name: plugin['settings'].get(name, spec.get('default'))
                 for name, spec in plugin['schema']['properties'].items()}
    assert effective['fetchNews'] == 'false'
    assert effective['checkForUpdates'] is False


def test_the_gan_diagram_renders_in_jupyterlab(lab, browser):
    page = browser.new_page(viewport={'width': 1400, 'height': 900})
    try:
        page.goto(lab.url(f'lab/tree/pytorch/gan.ipynb?token={lab.token}'))
        image = page.locator('.jp-RenderedMarkdown img').first
        image.wait_for(state='attached', timeout=90_000)
        page.wait_for_function(
            'img => img.complete && img.naturalWidth > 0', arg=image.element_handle(),
            timeout=30_000)
        page.wait_for_timeout(5000)  # JupyterLab asks about news a moment after start
        toasts = page.locator('.Toastify__toast')
        assert toasts.count() == 0, f'a pop-up shows: {toasts.all_inner_texts()}'
    finally:
        page.close()


def test_solutions_are_folded_in_jupyterlab(lab, browser):
    """Each solution's note shows; its cells are folded to one line, a label
    that gives nothing away, and a click on that line opens the cell. The
    section's closed note is folded the same way, to its label."""
    from tools import nbsource
    nb = nbformat.read(ROOT / 'notebooks' / 'pytorch' / 'gan.ipynb', as_version=4)
    folded = [c for c in nb.cells if c.metadata.get('jupyter', {}).get('source_hidden')]
    assert [c.source.split('\n', 1)[0] for c in folded
            if nbsource.CLOSED_NOTE_TAG in c.metadata['tags']] == [
        nbsource.NOTE_LABEL.format(title=c.note)
        for c in nbsource.parse(nbsource.SOURCES / 'gan.md') if c.note]
    page = browser.new_page(viewport={'width': 1400, 'height': 900})
    try:
        page.goto(lab.url(f'lab/tree/pytorch/gan.ipynb?token={lab.token}'))
        page.locator('.jp-Notebook .jp-Cell').first.wait_for(timeout=90_000)
        notes = page.locator('.jp-RenderedMarkdown', has_text='A worked answer is folded away')
        placeholders = page.locator('.jp-Cell .jp-InputPlaceholder')
        exercises = len({c.metadata['nbgrader']['grade_id'].rsplit('-', 1)[0] for c in folded
                         if nbsource.is_solution(c)})
        for _ in range(120):  # cells far down are drawn once scrolled to (slowly, when busy)
            page.evaluate('document.querySelector(".jp-WindowedPanel-outer").scrollTop = 1e9')
            page.wait_for_timeout(500)
            if notes.count() == exercises and placeholders.count() == len(folded):
                break
        labels = [t.strip() for t in placeholders.all_text_contents()]
        assert notes.count() == exercises
        assert labels == [c.source.split('\n', 1)[0] for c in folded]
        placeholders.first.click()
        assert page.locator('.jp-Cell .jp-InputPlaceholder').count() == len(folded) - 1
    finally:
        page.close()
