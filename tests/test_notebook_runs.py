"""Fresh runs of every notebook, checked as tools/nbcompare.py says.

Each notebook is executed in two fresh kernels per test session, and every
check shares those executions:

* native: this machine's numerical code paths. Run All, then Run All again
  in the same kernel, as a reader who reruns a notebook does. The first run
  is compared with the committed outputs, and must show that the model
  learned; the second must print exactly what the first did.
* foreign: `nbcompare.FOREIGN_NUMERICS`, the code paths another CPU would
  take. One Run All, compared with the committed outputs and judged by the
  same thresholds. This is what a fresh clone on another machine does.

All checks of one execution are one test (pytest-xdist spreads the tests
over the cores; a test names every check that failed).
"""
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
import nbcompare  # noqa: E402
import nbsource  # noqa: E402

MODES = {'native': ({}, 2), 'foreign': (nbcompare.FOREIGN_NUMERICS, 1)}
RUNS = [pytest.param(s, t, m, id=f'{s}-{t}-{m}')
        for s in nbsource.sections() for t in nbsource.TRACKS for m in MODES]


def check_runs(section, track, mode, runs, committed):
    """The problems of a notebook's fresh runs, by check (empty when it passes)."""
    first = runs[0]
    problems = {
        'errors or output on stderr': nbcompare.run_problems(first),
        'outputs unlike the committed ones': nbcompare.compare(committed, first),
        'did not learn': nbcompare.learning_problems(section, first),
    }
    if mode == 'native':
        problems['the second Run All in the same kernel showed something else'] = \
            nbcompare.exact(first, runs[1])
    elif not nbcompare.exact(committed, first):
        # The simulated CPU must compute differently, or the run proves nothing.
        problems['the foreign numerics changed no output'] = ['every output as committed']
    return {check: found for check, found in problems.items() if found}


@pytest.mark.parametrize('section, track, mode', RUNS)
def test_fresh_run(section, track, mode):
    env, count = MODES[mode]
    path = nbsource.notebook_path(section, track)
    runs = nbcompare.execute(path, 'python3', runs=count, env=env)
    failed = check_runs(section, track, mode, runs, nbformat.read(path, as_version=4))
    assert not failed, '\n'.join(f'{check}:\n  ' + '\n  '.join(found)
                                  for check, found in failed.items())


def test_check_runs_names_each_failed_check():
    nb = nbformat.read(nbsource.notebook_path('gan', 'pytorch'), as_version=4)
    assert check_runs('gan', 'pytorch', 'native', [nb, nb], nb) == {}
    assert list(check_runs('gan', 'pytorch', 'foreign', [nb], nb)) == [
        'the foreign numerics changed no output']
    drifted = nbformat.from_dict(nbformat.reads(
        nbformat.writes(nb).replace('0.252', '0.253'), as_version=4))
    assert list(check_runs('gan', 'pytorch', 'native', [nb, drifted], nb)) == [
        'the second Run All in the same kernel showed something else']
