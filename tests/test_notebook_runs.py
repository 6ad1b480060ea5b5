"""Fresh runs of every notebook, checked as tools/nbcompare.py says.

Each notebook is executed in two fresh kernels, and every check shares
those executions:

* native: this machine's numerical code paths (one thread per kernel, as
  runner.SHARED_CPU says). One Run All, compared with the committed
  outputs; it must show that the model learned.
* foreign: `nbcompare.FOREIGN_NUMERICS`, the code paths another CPU would
  take. One Run All, compared with the committed outputs and judged by the
  same thresholds. This is what a fresh clone on another machine does.
  Made by `make platforms` (below). Skipped on a CPU without AVX-512,
  whose own paths those are: there it would repeat the native run digit
  for digit (measured), at the cost of half the suite's time.

What a reader who reruns a notebook sees (Run All again in the same kernel)
is checked where the outputs are made: `nbsource.py execute` runs each
notebook twice in one kernel and stores it only if the second run showed
exactly what the first did, and stamps it (tests/test_notebooks.py checks
the stamp). Running every notebook a third time here would not fit the
suite into its 20 minutes.

All checks of one execution are one test (pytest-xdist spreads the tests
over the cores; a test names every check that failed).

The foreign runs are made by `make platforms`, not here:
there the course runs on Python 3.12 and on a fresh Debian 13 anyway, and
running its notebooks with the foreign numerics proves both things at once,
another CPU's code paths and another Python's wheels. Making them here as
well would take `make test` past its 20 minutes. CI runs both targets.
"""
import os

import nbformat
import pytest

from tools import nbcompare, nbsource, runner

MODES = {'native': {}, 'foreign': nbcompare.FOREIGN_NUMERICS}
RUNS = [pytest.param(s, t, m, id=f'{s}-{t}-{m}')
        for s in nbsource.sections() for t in nbsource.TRACKS for m in MODES]
# Set by tests/platforms, where the foreign runs are made.
OTHER_PYTHON = 'D2LGAN_OTHER_PYTHON'


def other_python_run(section, track):
    """The id under which tests/platforms runs a notebook: its foreign run
    where this CPU can simulate another one, else its native run."""
    mode = 'foreign' if nbcompare.simulates_another_cpu() else 'native'
    return f'{section}-{track}-{mode}'


def check_runs(section, mode, fresh, committed):
    """The problems of a notebook's fresh run, by check (empty when it passes)."""
    problems = {
        'errors or output on stderr': nbcompare.run_problems(fresh),
        'outputs unlike the committed ones': nbcompare.compare(committed, fresh),
        'did not learn': nbcompare.learning_problems(section, fresh),
    }
    if mode == 'foreign' and not nbcompare.exact(committed, fresh):
        # The simulated CPU must compute differently, or the run proves nothing.
        problems['the foreign numerics changed no output'] = ['every output as committed']
    return {check: found for check, found in problems.items() if found}


@pytest.mark.parametrize('section, track, mode', RUNS)
def test_fresh_run(section, track, mode):
    if mode == 'foreign' and not nbcompare.simulates_another_cpu():
        pytest.skip('this CPU has no AVX-512, so FOREIGN_NUMERICS (AVX2 code paths) are its '
                    'own and a foreign run would repeat the native one')
    if mode == 'foreign' and not os.environ.get(OTHER_PYTHON):
        pytest.skip('make platforms makes this foreign run, on Python 3.12 or a fresh '
                    'Debian 13 (tests/platforms)')
    path = nbsource.notebook_path(section, track)
    fresh, = runner.run(path, env=MODES[mode])
    failed = check_runs(section, mode, fresh, nbformat.read(path, as_version=4))
    assert not failed, '\n'.join(f'{check}:\n  ' + '\n  '.join(found)
                                  for check, found in failed.items())


def test_check_runs_names_each_failed_check():
    nb = nbformat.read(nbsource.notebook_path(nbsource.sections()[0], 'pytorch'), as_version=4)
    assert check_runs(nbsource.sections()[0], 'native', nb, nb) == {}
    assert list(check_runs(nbsource.sections()[0], 'foreign', nb, nb)) == [
        'the foreign numerics changed no output']
    broken = nbformat.from_dict(nbformat.reads(nbformat.writes(nb), as_version=4))
    code = [c for c in broken.cells if c.cell_type == 'code']
    code[0].outputs.append(nbformat.v4.new_output('stream', name='stderr', text='Warning!\n'))
    assert list(check_runs(nbsource.sections()[0], 'native', broken, nb)) == [
        'errors or output on stderr', 'outputs unlike the committed ones']


@pytest.mark.parametrize('flags, other', [
    ('fpu sse2 avx avx2 fma', False),                 # e.g. AMD EPYC (Zen 3)
    ('fpu sse2 avx avx2 fma avx512f avx512_vnni', True),
])
def test_foreign_runs_only_where_they_simulate_another_cpu(tmp_path, flags, other):
    cpuinfo = tmp_path / 'cpuinfo'
    cpuinfo.write_text(f'processor\t: 0\nmodel name\t: some CPU\nflags\t\t: {flags}\n')
    assert nbcompare.simulates_another_cpu(cpuinfo) is other
    assert nbcompare.simulates_another_cpu(tmp_path / 'no such file') is True
