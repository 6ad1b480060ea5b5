"""Shared test set-up and helpers.

This process draws with the headless Agg backend. Notebook kernels started
by the tests are separate processes and keep Jupyter's inline backend, so
the notebooks still produce their figures. The course's tools (tools/) are
importable by name, as the Makefile runs them.
"""
import contextlib
import os
import shutil
from pathlib import Path

import matplotlib
import nbformat
import pytest
from jupyter_client.manager import start_new_kernel

from tools import nbsource

matplotlib.use('Agg')
from d2lgan.frameworks import mxnet_missing  # noqa: E402


@contextlib.contextmanager
def kernel(cwd=None):
    """A fresh Python kernel of this environment, shut down afterwards."""
    km, kc = start_new_kernel(kernel_name='python3', cwd=cwd)
    try:
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def execute(kc, code, timeout=600):
    """Run code in the kernel; return the iopub messages it caused, up to idle."""
    msg_id = kc.execute(code)
    messages = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg['parent_header'].get('msg_id') != msg_id:
            continue
        if msg['msg_type'] == 'status' and msg['content']['execution_state'] == 'idle':
            return messages
        messages.append(msg)


def read(section, track):
    """A committed notebook of the course."""
    return nbformat.read(nbsource.notebook_path(section, track), as_version=4)


def write_tracks(folder, cells_per_track, section='demo'):
    """Write small notebooks <folder>/<track>/<section>.ipynb from
    {track: [('md' or 'code', source), ...]}, to test the pairing of tracks."""
    for track, cells in cells_per_track.items():
        nb = nbformat.v4.new_notebook()
        for kind, src in cells:
            new = nbformat.v4.new_markdown_cell if kind == 'md' else nbformat.v4.new_code_cell
            nb.cells.append(new(src))
        (folder / track).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / track / f'{section}.ipynb')


def find_browser():
    named = os.environ.get('D2LGAN_BROWSER')
    if named:
        if not Path(named).exists():
            pytest.fail(f'D2LGAN_BROWSER={named} does not exist; point it at a Chromium '
                        f'or Chrome executable')
        return named
    for name in ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail('no Chromium found for the website tests: install it (Debian/Ubuntu: '
                'apt-get install chromium; `make test` does this when run as root) '
                'or set D2LGAN_BROWSER to a Chromium or Chrome executable')


@pytest.fixture(scope='module')
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=find_browser())
        yield chromium
        chromium.close()


def needs_mxnet(item):
    """Whether a test runs MXNet: it is named for it, or takes it as a parameter."""
    params = item.callspec.params.values() if hasattr(item, 'callspec') else ()
    return 'mxnet' in item.name or 'mxnet' in [p for p in params if isinstance(p, str)]


def pytest_collection_modifyitems(items):
    """Start the fresh notebook runs first, the longest first (by the time one
    run took when the notebook was stored), so that the short tests fill the
    cores at the end instead of one long run keeping one core busy alone.
    Where MXNet has no wheel (macOS, Windows), skip what needs it, saying why."""
    why_not = mxnet_missing()
    if why_not:
        for item in items:
            if needs_mxnet(item):
                item.add_marker(pytest.mark.skip(reason=why_not))

    def cost(item):
        if item.originalname != 'test_fresh_run':
            return 0
        section, track, _ = item.callspec.params.values()
        return 1 + nbsource.seconds_per_run(nbsource.notebook_path(section, track))
    items.sort(key=cost, reverse=True)  # stable: the other tests keep their order
