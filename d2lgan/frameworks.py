"""Which of the course's frameworks this system can have.

PyTorch and TensorFlow have wheels for every platform the course supports.
MXNet 1.9.1, its last release, has them for Linux only (x86-64 and aarch64;
Windows reaches them through WSL 2), none for macOS on Apple silicon or for
Windows itself. There the course has two tracks, and `make setup` and
`from d2lgan import mxnet` say so with the words of `mxnet_missing()`.
"""
import importlib.util
import platform
import sys

MXNET_PLATFORMS = {('linux', 'x86_64'), ('linux', 'aarch64')}


def mxnet_missing():
    """Why MXNet cannot be imported here and what to do, or '' if it can."""
    if importlib.util.find_spec('mxnet') is not None:
        return ''
    if (sys.platform, platform.machine()) in MXNET_PLATFORMS:
        return ('MXNet is not installed in this environment. Run `make setup` in the '
                'course folder (or `pip install --no-deps mxnet==1.9.1`).')
    return ('The MXNet track is not available on this system: MXNet 1.9.1, its last '
            'release, has wheels for Linux only, none for macOS on Apple silicon or '
            'Windows. The PyTorch and TensorFlow tracks work here; for the MXNet track, '
            'run the course on Linux, in WSL 2 on Windows, or in a Linux container.')
