"""The course on other systems than the reference one (`make platforms`).

The committed notebooks are made with Python 3.11. A learner may bring
Python 3.12 or 3.13, with NumPy, pandas and the frameworks built for it.
These tests do what the README's *Start* tells a learner to do, on a copy
of the course, and then run notebooks of every track there with the
course's own fresh-run checks (tests/test_notebook_runs.py: the same
outputs up to what differs by machine, and the learning thresholds):

* a fresh Debian 13 (its Python 3.13), made with debootstrap from Debian's
  packages, with nothing but python3-venv, make and git installed;
* a venv of Python 3.12 on this machine.

Each is skipped, with the reason, where it cannot run: debootstrap needs
root and Debian's package registry; both need PyPI (PyTorch's Linux wheel
from PyPI is the CUDA build, several GB).
"""
import functools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_notebook_runs import OTHER_PYTHON, other_python_run

from tools import nbsource

ROOT = Path(__file__).resolve().parents[2]

# The fresh runs each system must pass. Where this CPU can simulate another,
# they are the foreign runs, which `make test` leaves to this file; elsewhere
# the same notebooks run natively, on another Python. Debian 13 makes the
# first section's native runs in every track, the set-up a learner on Debian
# makes first. Every other run is made once, on one of the two systems, which
# work side by side: `share` gives each to the one with less to do.
FIRST = nbsource.sections()[0]
DEBIAN_FIRST = [f'{FIRST}-{track}-native' for track in nbsource.TRACKS]


@functools.cache  # `share` asks for each run's seconds several times
def seconds(run):
    """How long a fresh run takes, by the notebook's stamp (one Run All when
    it was stored)."""
    section, track, _ = run.rsplit('-', 2)
    return nbsource.seconds_per_run(nbsource.notebook_path(section, track))


def share(runs, first):
    """Split runs between two systems, the second of which must make `first`
    as well, so that both finish at about the same time: the longest run
    first, each to the system with fewer seconds of runs so far. (Their
    set-ups take about as long: measured once each on a 2-core machine,
    Python 3.12's 314 s against Debian's 260 s after its debootstrap.)"""
    shares, loads = ([], list(first)), [0, sum(map(seconds, first))]
    # In a fixed order: each pytest-xdist worker computes the shares anew.
    for run in sorted([r for r in dict.fromkeys(runs) if r not in first], key=seconds,
                      reverse=True):
        i = loads.index(min(loads))
        shares[i].append(run)
        loads[i] += seconds(run)
    return shares


PY312_RUNS, DEBIAN_RUNS = share([other_python_run(section, track)
                                 for section in nbsource.sections()
                                 for track in nbsource.TRACKS], DEBIAN_FIRST)
SUITE = 'tests/test_notebook_runs.py::test_fresh_run'
# Debian's packages for the README's set-up on Linux, and no more (MXNet's
# library needs GCC's OpenMP and quad-precision libraries, libgomp1 and
# libquadmath0, which a minimal Debian lacks).
DEBIAN_PACKAGES = 'python3,python3-venv,make,git,libgomp1,libquadmath0,ca-certificates'


def copy_course(dest):
    """Copy the course as a clone would hold it (the files git tracks, and new
    ones it does not ignore) into dest."""
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split('\0')
    for name in filter(None, files):
        if (ROOT / name).is_file():  # a deleted file git still lists is left out
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name, follow_symlinks=False)


def test_every_run_is_made_once_and_the_shares_balance():
    made = PY312_RUNS + DEBIAN_RUNS
    wanted = {other_python_run(s, t) for s in nbsource.sections() for t in nbsource.TRACKS}
    assert len(made) == len(set(made)) and set(made) == wanted | set(DEBIAN_FIRST)
    assert set(DEBIAN_FIRST) <= set(DEBIAN_RUNS)
    loads = [sum(map(seconds, runs)) for runs in (PY312_RUNS, DEBIAN_RUNS)]
    assert abs(loads[0] - loads[1]) <= max(map(seconds, made))


def pytest_line(runs):
    return ' '.join([f'{OTHER_PYTHON}=1 .venv/bin/python -m pytest -p no:cacheprovider -q'] +
                    [f"'{SUITE}[{run}]'" for run in runs])


def run(command, cwd=None, timeout=3600, **kwargs):
    """Run a shell command; fail the test with its last lines if it fails."""
    done = subprocess.run(command, shell=True, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, **kwargs)
    if done.returncode:
        tail = '\n'.join((done.stdout + done.stderr).splitlines()[-40:])
        pytest.fail(f'`{command}` failed (exit {done.returncode}):\n{tail}', pytrace=False)
    return done.stdout


def timed_setup(command, venv, **kwargs):
    """Run the set-up command; print how long it took and how large .venv is."""
    tic = time.perf_counter()
    run(command, **kwargs)
    seconds = time.perf_counter() - tic
    size = run(f'du -sm {venv}').split()[0]
    print(f'set-up: {seconds:.0f} s, .venv {int(size) / 1024:.1f} GB')


def python312():
    """A Python 3.12 on this machine: one of pyenv's, or on the PATH (pyenv's
    shim on the PATH is no interpreter of its own)."""
    pyenv = Path(os.environ.get('PYENV_ROOT', Path.home() / '.pyenv')) / 'versions'
    candidates = sorted(pyenv.glob('3.12*/bin/python3.12'))
    if candidates:
        return str(candidates[-1])
    found = shutil.which('python3.12')
    return found if found and '/shims/' not in found else None


def test_python312_venv(tmp_path):
    python = python312()
    if not python:
        pytest.skip('no Python 3.12 here (python3.12 on the PATH or under pyenv)')
    course = tmp_path / 'course'
    copy_course(course)
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYENV_VERSION', 'VIRTUAL'))}
    timed_setup(f'make setup PYTHON={python}', course / '.venv', cwd=course, env=env)
    assert run('.venv/bin/python -c "import sys; print(sys.version_info[:2])"',
               cwd=course, env=env).strip() == '(3, 12)'
    print(run(pytest_line(PY312_RUNS), cwd=course, env=env))


def debootstrap():
    """debootstrap's path, installed with apt-get if missing; None if it cannot be."""
    if not shutil.which('debootstrap') and shutil.which('apt-get'):
        subprocess.run('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install '
                       '-y -qq --no-install-recommends debootstrap', shell=True,
                       capture_output=True, timeout=600)
    return shutil.which('debootstrap')


def mounted_under(folder):
    with open('/proc/mounts') as mounts:
        return [line.split()[1] for line in mounts if line.split()[1].startswith(str(folder))]


def test_fresh_debian13(tmp_path):
    if os.geteuid() != 0:
        pytest.skip('making a Debian root with debootstrap and entering it needs root')
    if not debootstrap():
        pytest.skip('debootstrap is not installed and apt-get could not install it')
    system = tmp_path / 'debian13'
    made = subprocess.run(['debootstrap', '--variant=minbase', f'--include={DEBIAN_PACKAGES}',
                           'trixie', str(system)], capture_output=True, text=True, timeout=900)
    if made.returncode:
        log = (made.stdout + made.stderr).strip().splitlines()
        if any(word in line for line in log
               for word in ('Failed getting release', 'Temporary failure', 'Could not resolve',
                            "Couldn't download", 'Connection refused')):
            pytest.skip(f"Debian's package registry cannot be reached: {log[-1]}")
        pytest.fail('debootstrap failed:\n' + '\n'.join(log[-20:]), pytrace=False)
    for name in ('etc/resolv.conf', 'etc/ssl/certs/ca-certificates.crt'):
        shutil.copyfile(Path('/') / name, system / name)
    copy_course(system / 'root' / 'course')
    try:
        # A fresh /proc, and the real /dev read-only: its device nodes still
        # work, but a root left behind by a killed run (whose clean-up below
        # never ran) cannot take them with it when someone deletes it.
        subprocess.run(['mount', '-t', 'proc', 'proc', str(system / 'proc')], check=True)
        subprocess.run(['mount', '--bind', '/dev', str(system / 'dev')], check=True)
        subprocess.run(['mount', '-o', 'remount,bind,ro', str(system / 'dev')], check=True)
        subprocess.run(['mount', '-t', 'tmpfs', 'tmpfs', str(system / 'dev' / 'shm')],
                       check=True)
        inside = ('env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:'
                  '/sbin:/bin LANG=C.UTF-8')
        version = run(f'chroot {system} {inside} python3 --version')
        assert version.startswith('Python 3.13'), version
        print(version.strip())
        timed_setup(f"chroot {system} {inside} sh -c 'cd /root/course && make setup'",
                    system / 'root' / 'course' / '.venv')
        print(run(f"chroot {system} {inside} sh -c 'cd /root/course && "
                  f"{pytest_line(DEBIAN_RUNS)}'"))
    finally:
        for path in sorted(mounted_under(system), reverse=True):
            subprocess.run(['umount', '--lazy', path])
        if mounted_under(system):  # never delete through a mount of the real /dev or /proc
            sys.exit(f'{system}: could not unmount {mounted_under(system)}; remove by hand')
        shutil.rmtree(system, ignore_errors=True)
