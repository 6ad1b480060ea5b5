"""Run All, then Run All again in the same kernel: the same results.

Readers rerun notebooks all the time. Every notebook runs twice in one
kernel here, and the second run's outputs (text and figures, with only
what nbval also masks) must equal the first run's.
"""
import re
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import execute, kernel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
import nbsource  # noqa: E402

NOTEBOOKS = [nbsource.notebook_path(s, t) for s in nbsource.sections() for t in nbsource.TRACKS]


def sanitizers():
    """The regex/replace pairs of tests/nbval_sanitize.cfg."""
    lines = (ROOT / 'tests' / 'nbval_sanitize.cfg').read_text().splitlines()
    regexes = [ln.split(':', 1)[1].strip() for ln in lines if ln.startswith('regex:')]
    replaces = [ln.split(':', 1)[1].strip() for ln in lines if ln.startswith('replace:')]
    return list(zip(regexes, replaces))


def sanitize(text):
    for regex, replace in sanitizers():
        text = re.sub(regex, replace, text)
    return text


def run_cells(kc, cells):
    """Execute cells; return each cell's outputs as comparable strings."""
    results = []
    for code in cells:
        outputs = []
        for msg in execute(kc, code):
            kind, content = msg['msg_type'], msg['content']
            if kind == 'error':
                raise AssertionError('\n'.join(content['traceback']))
            if kind == 'stream':
                if outputs and outputs[-1][0] == content['name']:
                    outputs[-1] = (content['name'], outputs[-1][1] + content['text'])
                else:
                    outputs.append((content['name'], content['text']))
            elif kind in ('display_data', 'execute_result'):
                data = {k: v for k, v in content['data'].items() if k != 'image/png'}
                outputs.append(('display', repr(sorted(data.items()))))
        results.append([(k, sanitize(v)) for k, v in outputs])
    return results


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: f'{p.parent.name}/{p.name}')
def test_running_a_notebook_twice_gives_the_same_outputs(path):
    nb = nbformat.read(path, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == 'code']
    with kernel(cwd=str(path.parent)) as kc:
        first = run_cells(kc, cells)
        second = run_cells(kc, cells)
    for i, (a, b) in enumerate(zip(first, second)):
        assert a == b, f'{path.name}: code cell {i} prints something else the second time'


def test_the_check_catches_output_that_drifts_between_runs(tmp_path):
    cells = ['import random', 'print(random.random())']
    with kernel(cwd=str(tmp_path)) as kc:
        assert run_cells(kc, cells) != run_cells(kc, cells)
