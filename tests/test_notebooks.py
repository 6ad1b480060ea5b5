"""The committed notebooks: three parallel tracks, in step with their
sources and with d2lgan, executed, and showing that each GAN learned.

Fresh runs of the same notebooks, on this machine's numerical code paths and
on another CPU's, are checked in test_notebook_runs.py.
"""
import re
from pathlib import Path

import nbformat
import pytest
from conftest import read, write_tracks

from tools import contract, nbcompare, nbsource

ROOT = Path(__file__).resolve().parents[1]


TRACKS = list(nbsource.TRACKS)
SECTIONS = nbsource.sections()


def test_every_section_exists_in_every_track():
    assert SECTIONS, 'no sections under sections'
    for track in TRACKS:
        found = sorted(p.stem for p in (ROOT / 'notebooks' / track).glob('*.ipynb'))
        assert found == sorted(SECTIONS), f'notebooks/{track} has {found}, sources are {SECTIONS}'


def test_every_section_has_a_contract_with_claims():
    """Its place in the course, and at least one claim its runs must meet."""
    orders = [contract.load(section).order for section in SECTIONS]
    assert len(set(orders)) == len(orders), f'two sections share a place: {orders}'
    assert all(contract.load(section).claims for section in SECTIONS)


@pytest.mark.parametrize('section', SECTIONS)
def test_tracks_are_parallel(section):
    """Markdown identical; code cells one to one, in the same places.
    The website pairs cells with the same function (tools/website.py)."""
    pairs = nbsource.paired_cells(section)
    assert len(pairs) == len(read(section, TRACKS[0]).cells)


@pytest.mark.parametrize('change, message', [
    (lambda cells: cells[:-1], "cell 3: the tracks have different numbers of cells"),
    (lambda cells: [('md', '# Demo'), ('md', 'x = 1'), cells[2]],
     "cell 2: mxnet has a code cell ('x = 1') where tensorflow has a markdown cell"),
    (lambda cells: [('md', '# Demo!'), *cells[1:]],
     "cell 1: the Markdown differs between mxnet and tensorflow ('# Demo')"),
])
def test_tracks_that_do_not_line_up_are_named(tmp_path, change, message):
    cells = [('md', '# Demo'), ('code', 'x = 1'), ('code', 'print(x)')]
    write_tracks(tmp_path, {'mxnet': cells, 'pytorch': cells, 'tensorflow': change(cells)})
    with pytest.raises(nbsource.ParityError) as err:
        nbsource.paired_cells('demo', tmp_path)
    assert "section 'demo', " + message in str(err.value)


def test_a_missing_track_is_named(tmp_path):
    write_tracks(tmp_path, {'mxnet': [('md', '# Demo')], 'pytorch': [('md', '# Demo')]})
    missing = r"section 'demo': .*tensorflow.demo\.ipynb is missing"
    with pytest.raises(nbsource.ParityError, match=missing):
        nbsource.paired_cells('demo', tmp_path)


def saved_cells(section, track):
    marker = nbsource.SAVE_MARK
    return [c.source.lstrip()[len(marker):].strip('\n') for c in read(section, track).cells
            if c.cell_type == 'code' and c.source.lstrip().startswith(marker)]


@pytest.mark.parametrize('track', TRACKS)
def test_saved_functions_in_d2lgan_are_the_notebooks_code(track):
    """One source of truth: the #@save cells of the committed notebooks,
    copied verbatim into d2lgan/<framework>.py by `make lib`."""
    text = (ROOT / 'd2lgan' / f'{nbsource.TRACKS[track]}.py').read_text()
    block = text.split(nbsource.LIB_BEGIN + '\n', 1)[1].split(nbsource.LIB_END, 1)[0]
    in_package = [b.split('\n', 1)[1].strip('\n')
                  for b in re.split(r'\n(?=# From notebooks/)', block.strip('\n')) if b]
    in_notebooks = [code for s in SECTIONS for code in saved_cells(s, track)]
    assert in_notebooks, f'no #@save cells in the {track} notebooks'
    assert in_package == in_notebooks, 'run `make lib` to copy the notebooks\' code'


@pytest.mark.parametrize('section', SECTIONS)
@pytest.mark.parametrize('track', TRACKS)
def test_notebook_was_executed_top_to_bottom_without_errors(section, track):
    code = [c for c in read(section, track).cells if c.cell_type == 'code']
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    errors = [o for c in code for o in c.outputs if o.output_type == 'error']
    assert errors == []
    streams = [o for c in code for o in c.outputs if o.get('name') == 'stderr']
    assert streams == [], 'warnings or log lines on stderr'
    assert nbcompare.run_problems(read(section, track)) == []


@pytest.mark.parametrize('section', SECTIONS)
@pytest.mark.parametrize('track', TRACKS)
def test_notebook_showed_the_same_when_run_again_in_its_kernel(section, track):
    """Stored by `nbsource.py execute`, which runs a notebook twice in one
    kernel and stores it only when the second run showed what the first did."""
    stamp = read(section, track).metadata.get(nbsource.STAMP_KEY, {})
    assert nbsource.RERUN_CHECKED.items() <= stamp.items(), (
        f'notebooks/{track}/{section}.ipynb was not stored by `make notebooks '
        f'SECTIONS={section}`, which checks that a second Run All shows the same')


def test_execute_stores_only_a_notebook_that_a_second_run_repeats(tmp_path):
    path = tmp_path / 'demo.ipynb'
    steady = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('print(6 * 7)')])
    nbformat.write(steady, path)
    nbsource.store(path, kernel_name='python3')
    stored = nbformat.read(path, as_version=4)
    assert stored.cells[0].outputs[0].text == '42\n'
    assert nbsource.RERUN_CHECKED.items() <= stored.metadata[nbsource.STAMP_KEY].items()

    drifting = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'import builtins\nbuiltins.runs = getattr(builtins, "runs", 0) + 1\nprint(builtins.runs)')])
    nbformat.write(drifting, path)
    before = path.read_bytes()
    with pytest.raises(SystemExit, match='code cell 1: the second run shows something else'):
        nbsource.store(path, kernel_name='python3')
    assert path.read_bytes() == before and not list(tmp_path.glob('*.tmp'))


def test_a_change_of_prose_keeps_the_outputs_and_a_change_of_code_drops_them(
        tmp_path, monkeypatch):
    """`nbsource.py build` after an edit: Markdown does not run, so where only
    prose changed the stored run still belongs to the code and is kept."""
    monkeypatch.setattr(nbsource, 'SOURCES', tmp_path / 'sections')
    monkeypatch.setattr(nbsource, 'NOTEBOOKS', tmp_path / 'notebooks')
    monkeypatch.setattr(nbsource, 'ROOT', tmp_path)
    source = tmp_path / 'sections' / 'demo.md'
    source.parent.mkdir()
    (source.parent / 'demo.toml').write_text('order = 1\n')
    source.write_text('# Demo\n\nSix times seven.\n\n```python\nprint(6 * 7)\n```\n')
    nbsource.build('demo')
    for track in TRACKS:  # as `nbsource.py execute` stores them
        path = nbsource.notebook_path('demo', track)
        nb = nbformat.read(path, as_version=4)
        nb.cells[1].outputs = [nbformat.v4.new_output('stream', name='stdout', text='42\n')]
        nb.metadata[nbsource.STAMP_KEY] = dict(nbsource.RERUN_CHECKED)
        nbformat.write(nb, path)

    source.write_text('# Demo\n\nSix times seven, printed.\n\n```python\nprint(6 * 7)\n```\n'
                      '\nThe answer.\n')
    nbsource.build('demo')
    for track in TRACKS:
        nb = nbformat.read(nbsource.notebook_path('demo', track), as_version=4)
        assert [c.source for c in nb.cells] == [
            '# Demo\n\nSix times seven, printed.', 'print(6 * 7)', 'The answer.']
        assert nb.cells[1].outputs[0].text == '42\n'
        assert nb.metadata[nbsource.STAMP_KEY] == nbsource.RERUN_CHECKED
    assert nbsource.check() == []

    source.write_text(source.read_text().replace('6 * 7', '6 * 9'))
    nbsource.build('demo')
    for track in TRACKS:
        nb = nbformat.read(nbsource.notebook_path('demo', track), as_version=4)
        assert nb.cells[1].source == 'print(6 * 9)' and nb.cells[1].outputs == []
        assert nbsource.STAMP_KEY not in nb.metadata


@pytest.mark.parametrize('section', SECTIONS)
@pytest.mark.parametrize('track', TRACKS)
def test_committed_outputs_show_that_the_model_learned(section, track):
    """The claims of the section's contract, met by the committed run too."""
    assert nbcompare.learning_problems(section, read(section, track)) == []


@pytest.mark.parametrize('section', nbsource.sections())
def test_the_numbers_the_prose_quotes_are_the_committed_outputs(section):
    """Each `[[quote]]` of the section's contract: the text is in its source,
    and the measure reads so in the committed notebooks of every track."""
    source = (nbsource.SOURCES / f'{section}.md').read_text(encoding='utf-8')
    data = [contract.measures(read(section, track)) for track in nbsource.TRACKS]
    problems = []
    for quote in contract.load(section).quotes:
        if quote.text not in source:
            problems.append(f'{quote.text!r} ({quote.of}) is not in sections/{section}.md')
        elif problem := quote.problem([contract.evaluate(quote.of, d) for d in data]):
            problems.append(problem)
    assert not problems, '\n'.join(problems)


@pytest.mark.parametrize('text, values, wrong', [
    ('0.11 to 0.13', [0.112, 0.13, 0.125], None),
    ('0.11 to 0.13', [0.112, 0.14], "the notebooks give '0.11 to 0.14'"),
    ('3.2', [3.17, 3.21, 3.24], None),
    ('3.2', [3.17, 3.26], "the notebooks give '3.2 / 3.3'"),
])
def test_a_quote_must_read_as_the_measures_do(text, values, wrong):
    found = contract.Quote(text, 'fit.error', '.2f' if ' to ' in text else '.1f').problem(values)
    assert found == wrong or wrong in found


def test_a_quote_may_be_a_percentage():
    assert contract.Quote('8.7%', 'gray', '.1%').problem([0.0871, 0.0866]) is None
    assert '8.6% / 8.7%' in contract.Quote('8.7%', 'gray', '.1%').problem([0.0871, 0.0861])


@pytest.mark.parametrize('toml, message', [
    ('[[quote]]\ntext = "3.2"\n', 'a quote has `text` and `of`'),
    ('[[quote]]\ntext = "3.2"\nof = "fit.error"\nformat = "q"\n', "quote 1 ('3.2')"),
    ('[[quote]]\ntext = "3.2"\nof = "fit."\n', "quote 1 ('3.2')"),
])
def test_a_quote_that_cannot_be_checked_is_named(tmp_path, toml, message):
    (tmp_path / 'demo.toml').write_text('order = 1\n' + toml)
    with pytest.raises(contract.ContractError, match=re.escape(message)):
        contract.load('demo', tmp_path)
