"""A section's switch to the book's own data (its contract's [switch], as
the DCGAN's `use_pokemon = True`), run end to end in each framework on a
stand-in for the data set.

The real archive needs a network (and a GPU, for the book's epochs). Here a
small zip of random images, laid out like the real one, is served from
127.0.0.1 under the data hub's name, so the section's own code downloads it
(SHA-1 checked), extracts it, loads the images and trains on them with the
contract's edits (which shorten the run); the contract's `holds` must then
be true.
"""
import functools
import hashlib
import http.server
import io
import os
import subprocess
import sys
import threading
import zipfile

import numpy as np
import pytest
from PIL import Image

from tools import contract, nbsource

N_IMAGES = 12
SWITCHES = [(s, t) for s in nbsource.sections() if contract.load(s).switch
            for t in nbsource.TRACKS]


def image_archive(name):
    """<name>.zip of random color images, laid out as <name>/<n>/<n>.png."""
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        for i in range(N_IMAGES):
            pixels = rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)
            png = io.BytesIO()
            Image.fromarray(pixels).save(png, format='PNG')
            z.writestr(f'{name}/{i:03d}/{i:03d}.png', png.getvalue())
    return buf.getvalue()


def serve(folder):
    """An HTTP server of `folder` on 127.0.0.1, in a thread; returns it."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(
        ('127.0.0.1', 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def edit(section, script, old, new):
    assert old in script, f'sections/{section}.md no longer has {old!r}: update its contract'
    return script.replace(old, new, 1)


def test_every_switch_is_tested():
    assert SWITCHES, 'no section has a [switch] in its contract: this file tests nothing'


@pytest.mark.parametrize('section, track', SWITCHES)
def test_the_switch_to_the_books_data_runs(section, track, tmp_path):
    switch = contract.load(section).switch
    served = tmp_path / 'served'
    served.mkdir()
    data = image_archive(switch['data'])
    (served / f'{switch["data"]}.zip').write_bytes(data)
    httpd = serve(served)
    url = f'http://127.0.0.1:{httpd.server_address[1]}/{switch["data"]}.zip'
    entry = f'd2l.DATA_HUB[{switch["data"]!r}] = ({url!r}, {hashlib.sha1(data).hexdigest()!r})'
    script = nbsource.script(section, track, solutions=False)  # the lesson
    old, new = switch['edits'][0]
    script = edit(section, script, old, f'{new}\n{entry}')
    for old, new in switch['edits'][1:]:
        script = edit(section, script, old, new)
    script += ''.join(f'\nassert {h}, {h!r}' for h in switch['holds']) + '\n'
    (tmp_path / 'run.py').write_text(script)
    env = dict(os.environ, D2LGAN_DATA=str(tmp_path / 'data'), MPLBACKEND='Agg')
    try:
        run = subprocess.run([sys.executable, 'run.py'], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=600)
    finally:
        httpd.shutdown()
    assert run.returncode == 0, run.stderr[-3000:]
    images = list((tmp_path / 'data').rglob('*.png'))
    assert len(images) == N_IMAGES, f'the switch read {len(images)} of {N_IMAGES} images'
