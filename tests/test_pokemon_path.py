"""The DCGAN section's switch to the book's set-up (`use_pokemon = True`),
run end to end in each framework on a stand-in for the Pokémon sprites.

The real archive needs a network (and, for 20 epochs, a GPU). Here a small
zip of random sprites, laid out like the real one, is served from 127.0.0.1
under the data hub's name, so the section's own code downloads it (SHA-1
checked), extracts it, loads 64x64 color images, builds the book's
full-size networks and trains them for one epoch on the CPU.
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
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
import nbsource  # noqa: E402

N_SPRITES = 12


def sprite_archive():
    """pokemon.zip in the real one's layout: pokemon/<number>/<number>.png."""
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        for i in range(N_SPRITES):
            pixels = rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)
            png = io.BytesIO()
            Image.fromarray(pixels).save(png, format='PNG')
            z.writestr(f'pokemon/{i:03d}/{i:03d}.png', png.getvalue())
    return buf.getvalue()


@pytest.fixture(scope='module')
def hub_entry(tmp_path_factory):
    """(url, sha1) of the stand-in archive, served from 127.0.0.1."""
    served = tmp_path_factory.mktemp('served')
    data = sprite_archive()
    (served / 'pokemon.zip').write_bytes(data)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(
        ('127.0.0.1', 0), functools.partial(Quiet, directory=str(served)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}/pokemon.zip', hashlib.sha1(data).hexdigest()
    httpd.shutdown()


def edit(script, old, new):
    assert old in script, f'the dcgan section no longer has {old!r}: update this test'
    return script.replace(old, new, 1)


@pytest.mark.parametrize('track', list(nbsource.TRACKS))
def test_the_pokemon_switch_trains_the_books_network(track, hub_entry, tmp_path):
    url, sha1 = hub_entry
    script = nbsource.script('dcgan', track, solutions=False)  # the lesson
    script = edit(script, 'use_pokemon = False',
                  f'use_pokemon = True\nd2l.DATA_HUB["pokemon"] = ({url!r}, {sha1!r})')
    script = edit(script, 'n_G, n_D, batch_size, lr, num_epochs = 64, 64, 256, 0.005, 20',
                  'n_G, n_D, batch_size, lr, num_epochs = 64, 64, 256, 0.005, 1')
    script += ('\nprint("images", tuple(images.shape))'
               '\nprint("generated", tuple(net_G(Z).shape))\n')
    (tmp_path / 'run.py').write_text(script)
    env = dict(os.environ, D2LGAN_DATA=str(tmp_path / 'data'), MPLBACKEND='Agg')
    run = subprocess.run([sys.executable, 'run.py'], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    assert f'images ({N_SPRITES}, 64, 64, 3)' in out
    assert 'examples/sec on' in out
    # The last generated batch: 40 color images at 64x64, channels where
    # the framework keeps them.
    shape = {'tensorflow': '(40, 64, 64, 3)'}.get(track, '(40, 3, 64, 64)')
    assert f'generated {shape}' in out
    assert (tmp_path / 'data' / 'pokemon' / '000' / '000.png').exists()
