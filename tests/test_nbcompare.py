"""The comparison policy (tools/nbcompare.py) lets through what differs from
one CPU to the next, and still catches what a reader would call a change.

Each test takes a committed notebook, changes a copy as a fresh run on
another machine might (other numbers, other ticks) or as a real change
would (a renamed label, a missing figure, a removed series, a generator that
did not learn), and asks the checks what they see.
"""
import copy
import io
import re

import nbformat
import pytest
from matplotlib.figure import Figure

from tools import contract, nbcompare, nbsource


def notebook(section=None, track='pytorch'):
    """A committed notebook, the first section's unless named."""
    section = section or nbsource.sections()[0]
    return nbformat.read(nbsource.notebook_path(section, track), as_version=4)


def outputs_with(nb, predicate):
    """The (cell, output) pairs of a notebook whose output matches."""
    return [(c, o) for c in nb.cells if c.cell_type == 'code' for o in c.outputs
            if predicate(o)]


def printing(text):
    """A predicate for outputs whose printed text holds `text`."""
    return lambda o: text in o.get('text', '') + o.get('data', {}).get('text/plain', '')


def edit_text(nb, old, new):
    """A copy of nb with `old` replaced by `new` in the printed text."""
    nb = copy.deepcopy(nb)
    found = outputs_with(nb, printing(old))
    assert found, f'no printed text holds {old!r}'
    for _, out in found:
        if 'text' in out:
            out.text = out.text.replace(old, new)
        else:
            out.data['text/plain'] = out.data['text/plain'].replace(old, new)
    return nb


def a_number(nb):
    """The first decimal number the notebook printed (e.g. '0.693'), outside
    what is masked anyway (speeds, times)."""
    return nbcompare.printed(nb, r'(?<![\d.])\d+\.\d{2,}(?![\d.]| examples| s\b)').group(0)


def other_number(text):
    """Another number written with the same digits after the point."""
    decimals = len(text.split('.')[1])
    return f'{float(text) / 2 + 0.1:.{decimals}f}'


def training_figure(nb):
    """The (cell, output) of the figure left by the Animator."""
    found = outputs_with(nb, lambda o: 'discriminator' in o.get('data', {}).get(
        'image/svg+xml', ''))
    assert len(found) == 1
    return found[0]


def svg_of(fig):
    buf = io.StringIO()
    fig.savefig(buf, format='svg')
    return buf.getvalue()


# ----------------------------------------------- what may differ by machine
def test_other_trained_numbers_in_the_same_format_pass():
    nb = notebook()
    number = a_number(nb)
    fresh = edit_text(nb, number, other_number(number))  # another CPU's number
    share = nbcompare.printed(nb, r'(?<![\d.])\d+%').group(0)
    fresh = edit_text(fresh, share, str(int(share[:-1]) // 2 + 1) + '%')
    assert nbcompare.compare(nb, fresh) == []


def test_a_column_widened_by_a_minus_sign_passes():
    nb = notebook()
    row = nbcompare.printed(nb, r'^\S+ {2,}.*\d\.\d.*$').group(0)  # a row of a table
    widened = re.sub(r'(?<![\w.-])(\d+\.\d+)', r'-\1', row, count=1)
    fresh = edit_text(nb, row, widened)
    assert nbcompare.compare(nb, fresh) == []


def test_other_tick_labels_and_coordinates_pass():
    nb = notebook()
    fresh = copy.deepcopy(nb)
    _, out = training_figure(fresh)
    svg = out.data['image/svg+xml']
    tick = re.search(r'<!-- (\d+\.\d+) -->', svg).group(1)  # a tick label
    svg = svg.replace(f'<!-- {tick} -->', f'<!-- {other_number(tick)} -->')
    svg = re.sub(r'(d="M )(\d+)', lambda m: m.group(1) + str(int(m.group(2)) + 1), svg)
    out.data['image/svg+xml'] = svg
    assert svg != training_figure(nb)[1].data['image/svg+xml']
    assert nbcompare.compare(nb, fresh) == []


# ------------------------------------------------ what a reader would notice
def test_a_changed_printed_label_fails():
    nb = notebook()
    problems = nbcompare.compare(nb, edit_text(nb, 'loss_D', 'loss_disc'))
    # one problem for each output that printed the label, naming the new one
    assert len(problems) == len(outputs_with(nb, printing('loss_D')))
    assert all('loss_disc' in p for p in problems)


def test_a_changed_shape_or_setting_fails():
    """A line without decimals (a shape, a setting) must stay as it was."""
    nb = notebook()
    line = nbcompare.printed(nb, r'^(?!.*\d\.\d)(?!.*examples/sec).*\b\d+\b.*$').group(0)
    changed = re.sub(r'\b(\d+)\b', lambda m: str(int(m.group(1)) + 1), line, count=1)
    problems = nbcompare.compare(nb, edit_text(nb, line, changed))
    assert problems and all('code cell' in p for p in problems)


def test_a_number_printed_in_another_format_fails():
    nb = notebook()
    number = a_number(nb)
    assert nbcompare.compare(nb, edit_text(nb, number, number[:-1])) != []


def problems_after_changing_the_figure(change):
    """Compare a committed notebook with a copy whose training figure was
    changed by change(cell, output)."""
    nb = notebook()
    fresh = copy.deepcopy(nb)
    change(*training_figure(fresh))
    return nbcompare.compare(nb, fresh)


def test_a_missing_figure_fails():
    problems = problems_after_changing_the_figure(lambda cell, out: cell.outputs.remove(out))
    assert len(problems) == 1 and 'outputs committed' in problems[0]


def remove_a_loss_curve(cell, out):
    svg = out.data['image/svg+xml']
    series = re.findall(r'<g id="line2d_\d+">\s*<path d="M[^"]*"[^>]*/>\s*</g>', svg)
    longest = max(series, key=len)  # a loss curve: 20 points, not a tick or grid line
    out.data['image/svg+xml'] = svg.replace(longest, '')


def test_a_figure_with_a_series_removed_fails():
    problems = problems_after_changing_the_figure(remove_a_loss_curve)
    assert len(problems) == 1 and "'lines': [20]" in problems[0]


def rename_a_legend_entry(cell, out):
    out.data['image/svg+xml'] = out.data['image/svg+xml'].replace(
        '<!-- generated -->', '<!-- fake -->')


def test_a_figure_with_a_renamed_legend_entry_fails():
    problems = problems_after_changing_the_figure(rename_a_legend_entry)
    assert len(problems) == 1 and 'fake' in problems[0]


def test_output_on_stderr_or_an_error_fails():
    nb = copy.deepcopy(notebook())
    code = [c for c in nb.cells if c.cell_type == 'code']
    code[0].outputs.append(nbformat.v4.new_output('stream', name='stderr', text='Warning\n'))
    code[1].outputs.append(nbformat.v4.new_output('error', ename='ValueError',
                                                  evalue='bad', traceback=[]))
    assert len(nbcompare.run_problems(nb)) == 2
    assert nbcompare.compare(notebook(), nb) != []


def with_measures(nb, data):
    """A copy of nb whose reported measures are `data` (as a fresh run with
    other numbers would report them)."""
    nb = copy.deepcopy(nb)
    for cell, out in outputs_with(nb, lambda o: contract.MEASURES_MIME in o.get('data', {})):
        if nbsource.is_solution(cell):
            continue  # the solutions' reports are the reader's alone
        name, = out.data[contract.MEASURES_MIME]
        out.data[contract.MEASURES_MIME] = {name: data[name]}
    return nb


@pytest.mark.parametrize('section, track', [(s, t) for s in nbsource.sections()
                                            for t in nbsource.TRACKS])
def test_every_claim_of_a_contract_can_fail_alone(section, track):
    """Each claim's counterexample (`fails_when`) breaks it, and only it; a
    run that reports such numbers looks like any other fresh run to the
    comparison, so only the claims can catch it."""
    nb = notebook(section, track)
    terms, good = contract.load(section), contract.measures(nb)
    assert terms.claims and contract.problems(terms, good) == []
    for claim in terms.claims:
        bad = with_measures(nb, contract.broken(claim, good))
        assert nbcompare.compare(nb, bad) == []
        problems = nbcompare.learning_problems(section, bad)
        assert len(problems) == 1 and problems[0].startswith(claim.says), \
            f'{claim.says!r}: its counterexample gives {problems}'


def test_a_run_that_reports_no_measures_fails():
    nb = copy.deepcopy(notebook())
    for _, out in outputs_with(nb, lambda o: contract.MEASURES_MIME in o.get('data', {})):
        del out.data[contract.MEASURES_MIME]
    problems = nbcompare.learning_problems(nbsource.sections()[0], nb)
    assert problems and all('no measure' in p for p in problems)
    assert nbcompare.compare(notebook(), nb) != []


def test_a_second_run_that_drifts_fails_the_exact_check():
    nb = notebook()
    assert nbcompare.exact(nb, copy.deepcopy(nb)) == []
    number = a_number(nb)
    assert nbcompare.exact(nb, edit_text(nb, number, other_number(number))) != []


# ------------------------------------------------------ the figure reader
def test_figure_structure_reads_what_a_figure_shows():
    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot([1, 2, 3, 4, 5], [1, 4, 2, 3, 5], label='loss')
    ax1.plot([1, 2, 3], [2, 2, 1], label='accuracy')
    ax1.set_xlabel('epoch')
    ax1.set_ylabel('value')
    ax1.set_title('training')
    ax1.legend()
    ax1.grid()
    ax2.scatter(range(7), range(7))
    ax2.imshow([[0, 1], [1, 0]])
    assert nbcompare.figure_structure(svg_of(fig)) == [
        {'labels': ['epoch', 'value'], 'titles': ['training'],
         'legend': ['loss', 'accuracy'], 'lines': [5, 3], 'clouds': [], 'images': 0},
        {'labels': [], 'titles': [], 'legend': [], 'lines': [], 'clouds': [7],
         'images': 1}]


def test_text_form_masks_numbers_only_in_lines_with_decimals():
    assert nbcompare.text_form('torch.Size([2, 20, 8, 8])\nloss 0.693, 10 digits, 8%\n') == [
        'torch.Size([2,20,8,8])', 'loss #.###,# digits,#%']
    assert nbcompare.text_form('<Figure size 350x250 with 1 Axes> at 0x7f3a') == [
        '<Figure size 350x250 with 1 Axes> at 0xADDRESS']


def test_an_empty_piece_of_a_stream_passes():
    """The kernel may send one print as several stream messages, one empty;
    a saved notebook joins them, and so do the checks."""
    nb = copy.deepcopy(notebook())
    code = [c for c in nb.cells if c.cell_type == 'code']
    code[0].outputs[:0] = [nbformat.v4.new_output('stream', name='stdout', text='a line\n'),
                           nbformat.v4.new_output('stream', name='stdout', text='')]
    assert nbcompare.run_problems(nb) == []


def test_an_empty_output_fails():
    nb = copy.deepcopy(notebook())
    code = [c for c in nb.cells if c.cell_type == 'code']
    code[0].outputs.append(nbformat.v4.new_output('display_data', data={'text/plain': ''}))
    problems = nbcompare.run_problems(nb)
    assert len(problems) == 1 and 'empty display_data' in problems[0]


def test_training_times_are_masked():
    assert nbcompare.text_form('model  5.65  10  4.02  22.6%  5.8 s') == \
        nbcompare.text_form('model  5.70  10  4.10  22.1%  17.3 s')
