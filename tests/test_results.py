"""The course's numbers are generated, never transcribed (tools/results.py).

Every table of measured numbers on a docs page stands between two comment
lines that name the command printing it, and must be what that command
prints from the data now: the committed notebooks' measures,
results/variation/ and results/bench/. Every threshold a contract enforces
keeps a margin (contract.MARGIN) over every run of its section's variation
data, and that data was measured on the code the notebooks hold now.
"""
import json

import pytest

from tools import contract, nbsource, results, variation

SECTIONS = nbsource.sections()
BLOCKS = [(page, command) for page in results.PAGES
          for command, _ in results.blocks(page.read_text())]


def test_the_docs_show_generated_tables():
    commands = {command.split()[0] for _, command in BLOCKS}
    assert {'claims', 'committed', 'variation', 'bench'} <= commands


@pytest.mark.parametrize('page, command', BLOCKS,
                         ids=[f'{p.name}:{c}' for p, c in BLOCKS])
def test_a_generated_table_is_what_its_data_gives_now(page, command):
    shown = dict(results.blocks(page.read_text()))[command]
    assert shown == results.render(command), (
        f'{page.name} shows another table than `python -m tools.results {command}` prints '
        f'now: run `python -m tools.results --write`')


def test_write_renews_only_what_stands_between_the_markers():
    text = 'Before.\n\n<!-- results: claims -->\nold\n<!-- end results -->\n\nAfter 3.14.\n'
    renewed = results.renew(text)
    assert renewed.startswith('Before.\n\n<!-- results: claims -->\n| section |')
    assert renewed.endswith('\n<!-- end results -->\n\nAfter 3.14.\n')
    assert results.renew(renewed) == renewed


def test_an_unknown_command_is_named():
    with pytest.raises(SystemExit, match="unknown results command 'variation nosuch'"):
        results.render('variation nosuch')


def measured(section):
    """The section's variation runs; a section not measured yet is an
    expected failure, named in the report, until its runs are committed."""
    runs = variation.load(section)
    if not runs:
        pytest.xfail(f'{section} has no variation runs yet: run python -m tools.variation '
                     f'{section} and commit results/variation/{section}.json')
    return runs


@pytest.mark.parametrize('section', SECTIONS)
def test_every_section_was_measured_on_the_code_it_holds(section):
    runs = measured(section)
    for track in nbsource.TRACKS:
        mine = [r for r in runs if r['track'] == track]
        assert {r['numerics'] for r in mine} == {'native', 'foreign'}, (
            f'{section} in {track}: the variation runs need both code paths')
        assert len({r['seed'] for r in mine}) >= 2, f'{section} in {track}: one seed only'
        now = nbsource.code_hash(nbsource.notebook_path(section, track))
        stale = [r for r in mine if r['code'] != now]
        assert not stale, (f'{len(stale)} variation runs of {section} in {track} ran other '
                           f'code than the notebook holds: run python -m tools.variation '
                           f'{section} --tracks {track}')


@pytest.mark.parametrize('section', SECTIONS)
def test_every_threshold_keeps_a_margin_over_the_measured_runs(section):
    runs = measured(section)
    for claim in contract.load(section).claims:
        for left, op, right in contract.comparisons(claim.holds):
            for run in runs:
                where = (f'{section}, claim {claim.says!r}, {run["track"]} seed {run["seed"]} '
                         f'{run["numerics"]} ({run["cpu"]})')
                a = contract.evaluate(left, run['measures'])
                if op is None:
                    assert a, f'{where}: {left} is false'
                    continue
                b = contract.evaluate(right, run['measures'])
                if op == '==':
                    assert a == b, f'{where}: {left} = {a}, not {right} = {b}'
                    continue
                room = contract.slack(a, op, b)
                assert room >= contract.MARGIN, (
                    f'{where}: {left} = {a:.4g} {op} {right} = {b:.4g} keeps {room:.1%} of '
                    f'room, less than {contract.MARGIN:.0%}: set the threshold with a margin '
                    f'over the measured range')


@pytest.mark.parametrize('left, op, right, room', [
    (8, '>', 6.4, 0.2), (6.4, '>=', 8, -0.2), (1, '<', 4, 0.75), (-2, '<=', -1, 0.5),
    (10, '==', 10, None)])
def test_slack_is_the_room_a_comparison_has(left, op, right, room):
    assert contract.slack(left, op, right) == pytest.approx(room)


def test_a_claim_is_split_into_its_comparisons():
    assert contract.comparisons('a.b < c.d < 2 * e and f == 10 and ok') == [
        ('a.b', '<', 'c.d'), ('c.d', '<', '2 * e'), ('f', '==', '10'), ('ok', None, None)]


def test_variation_data_is_merged_run_by_run(tmp_path):
    def run(seed, value, cpu='A'):
        return {'track': 'pytorch', 'seed': seed, 'numerics': 'native', 'cpu': cpu,
                'date': '2026-12-05', 'code': 'x', 'measures': {'m': {'v': value}},
                'problems': []}
    variation.save('demo', [run(0, 1.0), run(1, 2.0)], tmp_path)
    variation.save('demo', [run(1, 3.0), run(1, 4.0, cpu='B')], tmp_path)
    kept = variation.load('demo', tmp_path)
    assert [(r['cpu'], r['seed'], r['measures']['m']['v']) for r in kept] == [
        ('A', 0, 1.0), ('A', 1, 3.0), ('B', 1, 4.0)]
    assert not list(tmp_path.glob('*.tmp'))
    assert json.loads((tmp_path / 'demo.json').read_text())['section'] == 'demo'


def test_a_bench_table_leaves_out_the_speed_a_lesson_does_not_print():
    from tools import bench
    run = {'lesson': 20.0, 'solutions': 5.0, 'quality': 4.0}  # no 'speed', no 'train'
    data = {'cpu': 'a CPU', 'date': '2026-12-07', 'repeat': 1,
            'tracks': {track: {'runs': [run]} for track in nbsource.TRACKS}}
    shown = bench.table('mode-collapse', data)
    assert '| MXNet | - | - | 4.000 | 20 | 5 |' in shown
    assert 'Fastest / slowest' not in shown and 'Speeds are' not in shown
