"""The set-up a learner runs first: the right Python, the lock, MXNet where it exists.

* tools/python.sh picks a supported Python (3.11 to 3.13), refuses others
  with what to do, and never reuses a .venv made by another or an
  unsupported Python (tried with stand-in interpreters);
* the lock requirements.txt resolves from binary wheels for every supported
  platform and Python, and MXNet is installed exactly where it has wheels
  (uv's resolver, asked for each target: needs the package registry);
* the lock pins everything requirements.in asks for, and environment.yml
  agrees with both;
* without MXNet, d2lgan says why and what to do, and the notebooks' MXNet
  runs are skipped with the same words (tests/conftest.py).
"""
import importlib.util
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tools import lock

ROOT = Path(__file__).resolve().parents[1]
from d2lgan import frameworks  # noqa: E402


def fake_python(folder, name, version):
    """A stand-in for an interpreter that reports `version` (like '3.10')."""
    major, minor = version.split('.')
    path = folder / name
    path.write_text(f'#!/bin/sh\nfor a in "$@"; do case "$a" in *version_info*) '
                    f'echo {major}.{minor}; exit 0;; esac; done\nexit 0\n')
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def pick(tmp_path, pythons, wanted='', venv_version=None):
    """Run tools/python.sh with only the given stand-ins on the PATH."""
    bin_ = tmp_path / 'bin'
    bin_.mkdir(exist_ok=True)
    for name, version in pythons.items():
        fake_python(bin_, name, version)
    venv = tmp_path / 'venv'
    if venv_version:
        (venv / 'bin').mkdir(parents=True)
        fake_python(venv / 'bin', 'python', venv_version)
    (bin_ / 'cat').symlink_to(shutil.which('cat'))  # the one other program it runs
    env = {'PATH': str(bin_)}
    script = ROOT / 'tools' / 'python.sh'
    return subprocess.run([shutil.which('sh'), str(script), str(venv), wanted],
                          capture_output=True, text=True, env=env)


@pytest.mark.parametrize('pythons, chosen', [
    ({'python3': '3.11'}, 'python3'),
    ({'python3': '3.13'}, 'python3'),
    ({'python3': '3.10', 'python3.12': '3.12'}, 'python3.12'),
    ({'python3': '3.14', 'python3.13': '3.13', 'python3.11': '3.11'}, 'python3.13'),
])
def test_picks_a_supported_python(tmp_path, pythons, chosen):
    done = pick(tmp_path, pythons)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).name == chosen


@pytest.mark.parametrize('pythons, wanted, message', [
    ({'python3': '3.10'}, '', 'No supported Python found (python3 is Python 3.10)'),
    ({}, '', 'No supported Python found'),
    ({'python3': '3.11', 'python3.9': '3.9'}, 'python3.9',
     'PYTHON=python3.9 is Python 3.9, which the course does not support'),
    ({'python3': '3.11'}, 'python3.12', 'PYTHON=python3.12: no such program'),
])
def test_refuses_other_pythons_and_says_how_to_get_one(tmp_path, pythons, wanted, message):
    done = pick(tmp_path, pythons, wanted)
    assert done.returncode == 1 and done.stdout == ''
    assert message in done.stderr
    assert 'Python 3.11, 3.12 or 3.13' in done.stderr and 'make setup PYTHON=' in done.stderr


@pytest.mark.parametrize('pythons, wanted, venv, message', [
    ({'python3': '3.11'}, '', '3.10', 'was made by Python 3.10, which the course does not'),
    ({'python3': '3.11', 'python3.13': '3.13'}, 'python3.13', '3.11',
     'was made by Python 3.11, not by python3.13'),
])
def test_a_venv_of_another_python_is_not_reused(tmp_path, pythons, wanted, venv, message):
    done = pick(tmp_path, pythons, wanted, venv_version=venv)
    assert done.returncode == 1 and message in done.stderr and 'make clean' in done.stderr


def test_a_venv_of_a_supported_python_is_reused(tmp_path):
    done = pick(tmp_path, {'python3': '3.13'}, venv_version='3.12')
    assert done.returncode == 0 and done.stdout == ''


def registry(call, *args):
    try:
        return call(*args)
    except lock.Unavailable as e:
        pytest.skip(f'the lock cannot be checked here: {e}')


@pytest.mark.parametrize('platform, python', lock.TARGETS,
                         ids=[f'{p}-{v}'.replace(' ', '-') for p, v in lock.TARGETS])
def test_lock_resolves_from_wheels(platform, python):
    pins, nodeps = registry(lock.install_set, platform, python)
    assert any(p.startswith('numpy==2.') for p in pins)
    has_mxnet = any(p.startswith('mxnet==') for p in nodeps)
    assert has_mxnet == platform.startswith('Linux'), \
        f'MXNet {"in" if has_mxnet else "not in"} the set-up for {platform}'


def test_mxnet_is_left_out_only_where_it_has_no_wheel():
    """The marker of requirements-nodeps.txt leaves MXNet out on macOS: it
    must be because there is no wheel, not by mistake."""
    pin = next(line.split(';')[0].strip() for line in lock.NODEPS.read_text().splitlines()
               if line.startswith('mxnet=='))
    assert not registry(lock.has_wheel, pin, 'macOS arm64', '3.13')
    assert registry(lock.has_wheel, pin, 'Linux aarch64', '3.13')


def requirement_names(text):
    return {re.split(r'[=<>;\s]', line.strip())[0].lower().replace('_', '-')
            for line in text.splitlines() if line.strip() and not line.startswith('#')}


def test_the_lock_pins_every_requirement_exactly():
    wanted = requirement_names(lock.SOURCE.read_text())
    pinned = requirement_names(lock.LOCK.read_text())
    assert wanted <= pinned, f'not in requirements.txt: {sorted(wanted - pinned)}; make lock'
    loose = [line for line in lock.LOCK.read_text().splitlines()
             if line and not line.startswith('#') and '==' not in line.split('#')[0]]
    assert not loose
    for line in lock.SOURCE.read_text().splitlines():  # exact pins of the source are kept
        if '==' in line and not line.startswith('#'):
            name, version = line.split('==')
            assert re.search(rf'^{re.escape(name)}=={re.escape(version)}\b', lock.LOCK.read_text(),
                             re.M | re.I), f'{line} is not what requirements.txt pins; make lock'


def test_environment_yml_agrees_with_the_lock():
    text = (ROOT / 'environment.yml').read_text()
    assert '-r requirements.txt' in text
    assert re.search(r'python>=3\.11,<3\.14', text)
    assert 'requirements-nodeps.txt' in text  # and says how to add what pip installs alone


def test_without_mxnet_d2lgan_says_why_and_what_to_do():
    """On a Mac, `from d2lgan import mxnet` fails with the reason; simulated
    in a fresh process that cannot find MXNet and reports macOS."""
    code = ('import importlib.util, platform, sys\n'
            'find = importlib.util.find_spec\n'
            'importlib.util.find_spec = lambda n, *a: None if n == "mxnet" else find(n, *a)\n'
            'sys.platform = "darwin"; platform.machine = lambda: "arm64"\n'
            'from d2lgan import mxnet\n')
    done = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert done.returncode == 1
    assert 'ImportError: The MXNet track is not available on this system' in done.stderr
    assert 'WSL 2' in done.stderr and 'PyTorch and TensorFlow tracks work here' in done.stderr


def test_mxnet_missing_names_the_fix_on_each_kind_of_system(monkeypatch):
    have = importlib.util.find_spec('mxnet') is not None
    assert frameworks.mxnet_missing() == ('' if have else frameworks.mxnet_missing())
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name, *a: None)
    monkeypatch.setattr(frameworks.sys, 'platform', 'linux')
    monkeypatch.setattr(frameworks.platform, 'machine', lambda: 'x86_64')
    assert 'make setup' in frameworks.mxnet_missing()
    monkeypatch.setattr(frameworks.sys, 'platform', 'win32')
    monkeypatch.setattr(frameworks.platform, 'machine', lambda: 'AMD64')
    assert 'not available on this system' in frameworks.mxnet_missing()


def test_mxnet_reads_each_restored_numpy_name():
    """d2lgan.numpy_compat restores only names MXNet reads: in a fresh
    process, watch which of them MXNet asks NumPy for while it imports and
    trains a step (SciPy and scikit-learn copy every NumPy name, so only
    reads from MXNet's own code count). The builtin aliases are read only by
    some operators (apache/mxnet#21165), so they are exempt from the watch."""
    if importlib.util.find_spec('mxnet') is None:
        pytest.skip(frameworks.mxnet_missing())
    code = '''
import sys
import numpy as np
from d2lgan import numpy_compat
read = set()
class Watch(type(np)):
    def __getattribute__(self, name):  # count the names MXNet's own code asks for
        if name in numpy_compat.REMOVED and '/mxnet/' in sys._getframe(1).f_code.co_filename:
            read.add(name)
        return super().__getattribute__(name)
restored = numpy_compat.restore_numpy_names()
np.__class__ = Watch
import d2lgan.mxnet as d2l
from mxnet import autograd, gluon, init
from mxnet.gluon import nn
net = nn.Sequential()
net.add(nn.Dense(4), nn.BatchNorm(), nn.Dense(1))
net.initialize(init.Normal(0.02))
trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.01})
with autograd.record():
    loss = (net(d2l.np.ones((8, 3))) ** 2).sum()
loss.backward(); trainer.step(8)
builtins = {'bool', 'int', 'float', 'complex', 'object', 'str'}
print(sorted(set(restored) - builtins - read))
'''
    done = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          env={**os.environ, 'PYTHONWARNINGS': 'ignore'})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == '[]', 'restored but never read by MXNet'


def test_tests_that_need_mxnet_are_the_ones_skipped_without_it():
    from types import SimpleNamespace as Item

    from conftest import needs_mxnet
    assert needs_mxnet(Item(name='test_fresh_run[gan-mxnet-native]',
                            callspec=Item(params={'section': 'gan', 'track': 'mxnet'})))
    assert needs_mxnet(Item(name='test_mxnet_discriminator_loss_is_the_two_pass_loss'))
    assert not needs_mxnet(Item(name='test_fresh_run[gan-pytorch-native]',
                                callspec=Item(params={'section': 'gan', 'track': 'pytorch'})))


def test_pyproject_gives_the_code_license_that_license_states():
    import tomllib
    spdx = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']['license']
    terms = (ROOT / 'LICENSE').read_text()
    assert re.search(rf'^Code: .*\(SPDX: {re.escape(spdx)}\)$', terms, re.M), \
        f'pyproject.toml says {spdx}; LICENSE gives other terms for the code'
    assert 'SPDX: CC-BY-SA-4.0' in terms  # the text and figures
