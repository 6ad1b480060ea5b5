"""Fresh runs of every notebook, checked as tools/nbcompare.py says.

Each notebook is executed twice per test session, and every check shares
those executions:

* native: this machine's numerical code paths. Run All, then Run All again
  in the same kernel, as a reader who reruns a notebook does. The first run
  is compared with the committed outputs, and must show that the model
  learned; the second must print exactly what the first did.
* foreign: `nbcompare.FOREIGN_NUMERICS`, the code paths another CPU would
  take. One Run All, compared with the committed outputs and judged by the
  same thresholds. This is what a fresh clone on another machine does.

Tests of one run share an xdist group, so `pytest -n 2 --dist loadgroup`
executes each run once, on one of the two cores.
"""
import functools
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
import nbcompare  # noqa: E402
import nbsource  # noqa: E402

MODES = {'native': ({}, 2), 'foreign': (nbcompare.FOREIGN_NUMERICS, 1)}
NOTEBOOKS = [(s, t) for s in nbsource.sections() for t in nbsource.TRACKS]


@functools.cache
def runs(section, track, mode):
    env, count = MODES[mode]
    return nbcompare.execute(nbsource.notebook_path(section, track), 'python3',
                             runs=count, env=env)


def params(modes=tuple(MODES)):
    # (no '/' in ids: pytest-xdist 3.8 then splits a group between workers)
    return [pytest.param(s, t, m, id=f'{s}-{t}-{m}',
                         marks=pytest.mark.xdist_group(f'{s}-{t}-{m}'))
            for s, t in NOTEBOOKS for m in modes]


def committed(section, track):
    return nbformat.read(nbsource.notebook_path(section, track), as_version=4)


@pytest.mark.parametrize('section, track, mode', params())
def test_fresh_run_has_no_errors_and_nothing_on_stderr(section, track, mode):
    assert nbcompare.run_problems(runs(section, track, mode)[0]) == []


@pytest.mark.parametrize('section, track, mode', params())
def test_fresh_run_shows_what_was_committed(section, track, mode):
    problems = nbcompare.compare(committed(section, track), runs(section, track, mode)[0])
    assert problems == [], '\n'.join(problems)


@pytest.mark.parametrize('section, track, mode', params())
def test_fresh_run_learned(section, track, mode):
    assert nbcompare.learning_problems(section, runs(section, track, mode)[0]) == []


@pytest.mark.parametrize('section, track, mode', params(['native']))
def test_running_a_notebook_twice_gives_the_same_outputs(section, track, mode):
    first, second = runs(section, track, mode)
    assert nbcompare.exact(first, second) == []


@pytest.mark.parametrize('section, track, mode', params(['foreign']))
def test_foreign_numerics_really_change_the_numbers(section, track, mode):
    """The simulated CPU must compute differently, or the foreign runs prove
    nothing: some output of a trained model must differ from the committed."""
    assert nbcompare.exact(committed(section, track), runs(section, track, mode)[0]) != []
