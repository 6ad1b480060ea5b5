"""The Animator in a real Jupyter kernel: live updates, one final figure.

A tool that records display messages but ignores in-place updates (nbval,
for one) and a notebook saved by Jupyter, which applies the updates, must
both end with the same outputs, and with exactly one figure per Animator.
"""
import nbformat
import pytest
from conftest import execute, kernel
from nbclient import NotebookClient

from tools.nbcompare import figure_structure

TRAIN = """\
from d2lgan import core as d2l
animator = d2l.Animator(xlabel='epoch', xlim=[1, 5], legend=['loss'], min_interval=0)
for epoch in range(1, 6):
    animator.add(epoch, 1 / epoch)
print('trained')
"""


def run_in_kernel(*cells):
    """Execute cells in a fresh kernel; return the iopub messages of each."""
    with kernel() as kc:
        return [execute(kc, code, timeout=60) for code in cells]


@pytest.fixture(scope='module')
def messages():
    return run_in_kernel(TRAIN, "print('next cell')")


def test_live_view_is_updated_in_place(messages):
    types = [m['msg_type'] for m in messages[0]]
    # epoch 1 opens the live view, epochs 2-4 redraw it, epoch 5 is left to
    # the final figure, which replaces the live view when the cell ends
    assert types.count('display_data') == 1
    assert types.count('update_display_data') == 3 + 1
    first = next(m for m in messages[0] if m['msg_type'] == 'display_data')
    live_id = first['content']['transient']['display_id']
    updates = [m for m in messages[0] if m['msg_type'] == 'update_display_data']
    assert all(m['content']['transient']['display_id'] == live_id for m in updates)
    assert all('image/svg+xml' in m['content']['data'] for m in [first, *updates])
    # the final figure is drawn after the printed line, in the view above it
    printed = types.index('stream')
    assert types.index('display_data') < printed < len(types) - 1 - types[::-1].index(
        'update_display_data')


def test_no_output_is_ever_empty(messages):
    shown = [m['content']['data'] for m in messages[0]
             if m['msg_type'] in ('display_data', 'update_display_data', 'execute_result')]
    assert all(d.get('image/svg+xml', '').count('<svg') == 1 for d in shown)


def test_final_figure_is_shown_once_and_not_again_in_later_cells(messages):
    later = [m['msg_type'] for m in messages[1]
             if m['msg_type'] not in ('stream', 'execute_input', 'status')]
    assert later == []


def test_saved_notebook_holds_the_same_outputs():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(TRAIN)]
    NotebookClient(nb, kernel_name='python3', timeout=120).execute()
    outputs = nb.cells[0].outputs
    # the figure, then what the cell printed: no empty output in between
    assert [o.output_type for o in outputs] == ['display_data', 'stream']
    assert outputs[1].text == 'trained\n'
    svg = outputs[0].data['image/svg+xml']
    # the final figure, with all five epochs (one line of five points)
    assert svg.count('<svg') == 1
    assert figure_structure(svg)[0]['lines'] == [5]
