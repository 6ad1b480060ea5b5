"""The course's lock: one requirements.txt for every supported platform and Python.

requirements.in names what the course needs; requirements.txt pins all of it
and everything it pulls in, with environment markers where a platform
differs. uv makes it in one universal resolution, and checks it target by
target, as pip on that machine would install it, from binary wheels only.

    python -m tools.lock update   rewrite requirements.txt from requirements.in,
                                  keeping every pin that still fits
    python -m tools.lock update --upgrade   the same, taking the newest releases
    python -m tools.lock check    resolve the lock for every target in TARGETS

NVIDIA's CUDA libraries (and triton) are left out of the lock: they come
only with PyTorch's Linux wheels from PyPI, which pin their exact versions
themselves, and a machine that installs PyTorch's CPU build needs none of
them. requirements-nodeps.txt holds packages installed without their
declared requirements (MXNet, whose `numpy<2` is stale; the book's d2l); the
check also shows that MXNet is installed exactly where it has a wheel.
"""
import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / 'requirements.in'
LOCK = ROOT / 'requirements.txt'
NODEPS = ROOT / 'requirements-nodeps.txt'
PYTHONS = ('3.11', '3.12', '3.13')
# uv's names of the supported platforms. macOS: PyTorch 2.13's wheels need 14.
PLATFORMS = {
    'Linux x86-64': ('x86_64-unknown-linux-gnu', {}),
    'Linux aarch64': ('aarch64-unknown-linux-gnu', {}),
    'macOS arm64': ('aarch64-apple-darwin', {'MACOSX_DEPLOYMENT_TARGET': '14.0'}),
}
TARGETS = [(platform, python) for platform in PLATFORMS for python in PYTHONS]
# Pulled in by PyPI's CUDA build of torch only, pinned by its wheel (see above).
CUDA_ONLY = re.compile(r'^(nvidia-[\w-]+|cuda-[\w-]+|triton)==', re.M)
HEADER = """\
# The lock of the course's one environment: do not edit; change requirements.in
# and run `make lock` (tools/lock.py). It holds for Linux (x86-64, aarch64) and
# macOS on Apple silicon, with Python 3.11 to 3.13; `make test` checks that it
# resolves for each from binary wheels. NVIDIA's CUDA libraries are left out:
# PyTorch's Linux wheel from PyPI pins them itself. That wheel is the CUDA
# build (several GB); for the CPU build, which is all the course needs, install
# with PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu (see README.md, Start).
"""


class Unavailable(RuntimeError):
    """uv or the package registry cannot be reached: the check cannot run here."""


def uv(*args, env=None):
    """Run `uv pip compile` with args; return (exit code, stdout, stderr)."""
    command = [sys.executable, '-m', 'uv', 'pip', 'compile', '--quiet', *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300,
                              env={**os.environ, 'UV_PYTHON_DOWNLOADS': 'never', **(env or {})})
    except subprocess.TimeoutExpired as e:
        raise Unavailable(f'uv took over {e.timeout} s: is the package registry reachable?') from e
    if done.returncode and re.search(r'Failed to fetch|dns error|Could not connect|'
                                     r'error sending request|No module named uv', done.stderr):
        raise Unavailable('uv could not reach the package registry (or is not installed): '
                          + done.stderr.strip().splitlines()[-1])
    return done.returncode, done.stdout, done.stderr


def update(upgrade=False):
    """Rewrite requirements.txt: resolve requirements.in for every target at
    once, then again without the CUDA-only packages the first pass found.
    uv keeps the versions of the file it writes to where they still fit, so
    each pass writes to a copy of the current lock."""
    scratch = ROOT / 'build' / 'lock.txt'
    scratch.parent.mkdir(exist_ok=True)
    common = ['--universal', '--python-version', PYTHONS[0], '--only-binary', ':all:',
              '--no-header', '-o', str(scratch), *(['--upgrade'] if upgrade else []),
              str(SOURCE)]
    scratch.write_text(LOCK.read_text() if LOCK.exists() else '')
    code, _, err = uv(*common, '--no-annotate')
    if code:
        sys.exit(f'requirements.in does not resolve:\n{err}')
    cuda_only = CUDA_ONLY.findall(scratch.read_text())
    skip = [arg for name in cuda_only for arg in ('--no-emit-package', name)]
    scratch.write_text(LOCK.read_text() if LOCK.exists() else '')
    code, _, err = uv(*common, '--annotation-style', 'line', *skip)
    if code:
        sys.exit(err)
    lock = scratch.read_text()
    scratch.unlink()
    LOCK.write_text(HEADER + lock)
    print(f'wrote {LOCK.name}: {lock.count("==")} pins, '
          f'{len(cuda_only)} CUDA-only packages left to torch')


def resolve(platform, python, path=LOCK, *options):
    """What pip would install from path on this target: a list of 'name==version'.
    Raises ValueError with uv's explanation when it does not resolve."""
    name, env = PLATFORMS[platform]
    code, out, err = uv('--python-platform', name, '--python-version', python,
                        '--only-binary', ':all:', '--no-header', '--no-annotate',
                        *options, str(path), env=env)
    if code:
        raise ValueError(f'{path.name} does not resolve for {platform} with Python '
                         f'{python}:\n{err.strip()}')
    return [line for line in out.splitlines() if '==' in line]


def install_set(platform, python):
    """What the set-up installs on the target: (the lock's pins, the pins of
    requirements-nodeps.txt, installed without their requirements)."""
    return resolve(platform, python), resolve(platform, python, NODEPS, '--no-deps')


def has_wheel(requirement, platform, python):
    """True if requirement (e.g. 'mxnet==1.9.1') has a binary wheel for the target."""
    path = ROOT / 'build' / 'wheel-check.txt'
    path.parent.mkdir(exist_ok=True)
    path.write_text(requirement + '\n')
    try:
        resolve(platform, python, path, '--no-deps')
        return True
    except ValueError:
        return False
    finally:
        path.unlink()


def check():
    """Resolve the lock and the no-deps packages for every target; print a
    line per target and exit 1 if any fails."""
    failed = 0
    for platform, python in TARGETS:
        try:
            pins, nodeps = install_set(platform, python)
            mxnet = any(p.startswith('mxnet==') for p in nodeps)
            print(f'{platform}, Python {python}: {len(pins) + len(nodeps)} packages, '
                  f'MXNet {"included" if mxnet else "left out"}')
        except ValueError as e:
            failed += 1
            print(e)
    sys.exit(1 if failed else 0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('command', choices=['update', 'check'])
    parser.add_argument('--upgrade', action='store_true',
                        help='update: take the newest releases that fit, not the current pins')
    args = parser.parse_args(argv)
    try:
        if args.command == 'update':
            update(args.upgrade)
        else:
            check()
    except Unavailable as e:
        sys.exit(str(e))


if __name__ == '__main__':
    main()
