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
import sys
from pathlib import Path

import nbformat
import pytest
from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
import nbcompare  # noqa: E402
import nbsource  # noqa: E402


def notebook(section='gan', track='pytorch'):
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


def trained_distance(nb):
    """The trained generator's distance as the notebook printed it (e.g. '0.252')."""
    return re.search(r'^trained_G\s.*\s(\d+\.\d+)$', training_table(nb), re.M).group(1)


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
    distance = trained_distance(nb)
    fresh = edit_text(nb, distance, other_number(distance))  # another CPU's distance
    share = nbcompare.printed(nb, r'\d+% of the untrained').group(0)
    fresh = edit_text(fresh, share, share.replace(share.split('%')[0], '4'))
    assert nbcompare.compare(nb, fresh) == []


def test_a_column_widened_by_a_minus_sign_passes():
    nb = notebook()
    mean = re.search(r'^trained_G +\[ ?(\d)', training_table(nb), re.M).group(0)
    fresh = edit_text(nb, mean, mean.replace('[ ', '[').replace('[', '[-'))
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


def test_a_changed_shape_fails():
    nb = notebook('dcgan')
    problems = nbcompare.compare(nb, edit_text(nb, '[2, 20, 32, 32]', '[2, 20, 31, 31]'))
    assert len(problems) == 1 and '31' in problems[0]


def test_a_number_printed_in_another_format_fails():
    nb = notebook()
    distance = trained_distance(nb)
    assert nbcompare.compare(nb, edit_text(nb, distance, distance[:-1])) != []


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


@pytest.mark.parametrize('track', list(nbsource.TRACKS))
def test_a_gan_that_did_not_learn_fails_its_thresholds(track):
    nb = notebook('gan', track)
    assert nbcompare.learning_problems('gan', nb) == []
    untrained = nbcompare.gan_measures(nb)['untrained_G']
    lazy = edit_text(nb, trained_distance(nb), f'{untrained * 0.9:.3f}')
    assert nbcompare.compare(nb, lazy) == []  # the same format: only thresholds see it
    assert nbcompare.learning_problems('gan', lazy) != []


def training_table(nb):
    return nbcompare.printed(nb, r'(?s)^\s+mean.*').group(0)


@pytest.mark.parametrize('track', list(nbsource.TRACKS))
def test_a_dcgan_that_writes_no_digits_fails_its_thresholds(track):
    nb = notebook('dcgan', track)
    assert nbcompare.learning_problems('dcgan', nb) == []
    line = nbcompare.printed(nb, r'^trained_G .*$').group(0)
    untrained = nbcompare.printed(nb, r'^untrained_G .*$').group(0)
    blurred = edit_text(nb, line, untrained.replace('untrained_G', 'trained_G  '))
    assert nbcompare.compare(nb, blurred) == []  # the same format: only thresholds see it
    assert len(nbcompare.learning_problems('dcgan', blurred)) == 3


def test_a_second_run_that_drifts_fails_the_exact_check():
    nb = notebook()
    assert nbcompare.exact(nb, copy.deepcopy(nb)) == []
    distance = trained_distance(nb)
    assert nbcompare.exact(nb, edit_text(nb, distance, other_number(distance))) != []


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


def assert_each_change_breaks_one_claim(good, judge, changes):
    """Each change (name -> function editing a copy of the measures `good`)
    makes `judge` report exactly one problem: every claim can fail alone."""
    for name, change in changes.items():
        bad = copy.deepcopy(good)
        change(bad)
        assert len(judge(bad)) == 1, name


def test_each_practice_claim_can_fail():
    nb = nbformat.read(ROOT / 'notebooks' / 'pytorch' / 'gan-practice.ipynb', as_version=4)
    good = nbcompare.practice_measures(nb)
    assert nbcompare.practice_learned(good) == []
    changes = {
        'digits': lambda m: m['trained_G'].update({'digits found': 3}),
        'ratio': lambda m: m.update({'gradient ratio': 2.0}),
        'best': lambda m: m['lr_D = lr_G / 10'].update({'score': 9.0}),
        'fooled': lambda m: m['lr_D = lr_G / 10'].update({'accuracy': 0.6}),
        'order': lambda m: m['lr_D = 10 lr_G'].update({'gradient': 0.1}),
        'clearer gradient': lambda m: m['pretraining D pretrained'].update(
            {'gradient': good['pretraining reference']['gradient']}),
        'pretrain': lambda m: m['pretraining D pretrained'].update(
            {'score': good['pretraining reference']['score'] + 2}),
        'collapse': lambda m: m['plain'].update({'modes': 2.0}),
        'remedy': lambda m: m['batch std'].update({'modes': good['plain']['modes'] + 1.0}),
        'quality': lambda m: m['batch std'].update({'quality': good['plain']['quality']}),
    }
    assert_each_change_breaks_one_claim(good, nbcompare.practice_learned, changes)


def test_each_vae_claim_can_fail():
    nb = nbformat.read(ROOT / 'notebooks' / 'pytorch' / 'vae.ipynb', as_version=4)
    good = nbcompare.vae_measures(nb)
    assert nbcompare.vae_learned(good) == []
    changes = {
        'reconstructs': lambda m: m['reconstruction'].update({'trained': 300.0}),
        'prior beats normal codes': lambda m: m['vae_prior'].update(
            {'inception score': good['standard_normal']['inception score']}),
        'rectangle is sharper': lambda m: m['rectangle'].update({'gray pixels': 0.5}),
        '16-D VAE makes digits': lambda m: m['vae'].update({'digits found': 6}),
        '16 beats 2': lambda m: m['vae_2d'].update({'frechet distance': 5.0}),
        'GAN makes digits': lambda m: m['gan'].update({'inception score': 2.0}),
        'GAN is sharper': lambda m: m['gan'].update({'gray pixels': 0.3}),
        'VAE is closer': lambda m: m['gan'].update({'frechet distance': 3.0}),
        'untrained': lambda m: m['untrained'].update({'inception score': 2.0}),
        'ELBO': lambda m: m['negative elbo'].update({'16-D': 160.0}),
    }
    assert_each_change_breaks_one_claim(good, nbcompare.vae_learned, changes)


def test_training_times_are_masked():
    assert nbcompare.text_form('vae  5.65  10  4.02  22.6%  5.8 s') == \
        nbcompare.text_form('vae  5.70  10  4.10  22.1%  17.3 s')
