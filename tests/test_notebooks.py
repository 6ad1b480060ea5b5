"""The committed notebooks: three parallel tracks, in step with their
sources and with d2lgan, executed, and showing that each GAN learned.

nbval (run beside these tests) re-executes every notebook and compares each
output with the committed one, so a number read from a committed output here
is a number the code really produces.
"""
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
import nbsource  # noqa: E402
from conftest import write_tracks  # noqa: E402

TRACKS = list(nbsource.TRACKS)
SECTIONS = nbsource.sections()


def read(section, track):
    return nbformat.read(nbsource.notebook_path(section, track), as_version=4)


def test_every_section_exists_in_every_track():
    assert SECTIONS, 'no sections under sections'
    for track in TRACKS:
        found = sorted(p.stem for p in (ROOT / 'notebooks' / track).glob('*.ipynb'))
        assert found == sorted(SECTIONS), f'notebooks/{track} has {found}, sources are {SECTIONS}'


def test_every_section_has_a_place_in_the_course():
    missing = sorted(set(SECTIONS) - set(nbsource.COURSE))
    assert not missing, f'add {missing} to COURSE in tools/nbsource.py'


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


def test_notebooks_match_their_sources():
    assert nbsource.check() == []


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


def cell_output(nb, pattern):
    for cell in nb.cells:
        for out in cell.get('outputs', []):
            m = re.search(pattern, out.get('text', ''))
            if m:
                return m
    raise AssertionError(f'no output matches {pattern!r}')


@pytest.mark.parametrize('track', TRACKS)
def test_gan_learned_the_gaussian(track):
    """The trained generator must be far closer to the target Gaussian than
    an untrained one, and its distance must be a real, small number."""
    nb = read('gan', track)
    m = cell_output(nb, r'trained_G\s.*\s(\d+\.\d+)\n')
    trained = float(m.group(1))
    untrained = float(cell_output(nb, r'untrained_G\s.*\s(\d+\.\d+)').group(1))
    real = float(cell_output(nb, r'real_data\s.*\s(\d+\.\d+)\n').group(1))
    assert untrained > 2.5, 'the untrained generator should be far from the target'
    assert trained < 0.15 * untrained
    assert real < trained, 'the real sample should be the closest to its own distribution'


@pytest.mark.parametrize('track', TRACKS)
def test_dcgan_learned_to_write_digits(track):
    """A classifier of real digits must find all ten digits in the trained
    generator's images and rate them far above the untrained generator's."""
    nb = read('dcgan', track)
    row = lambda name: cell_output(nb, rf'{name}\s+(\d\.\d+)\s+(\d+)\s+(\d+\.\d+)')
    trained, untrained = row('trained_G'), row('untrained_G')
    assert int(trained.group(2)) == 10, 'all ten digits should appear'
    assert float(trained.group(3)) > 1.5 * float(untrained.group(3))
    assert float(untrained.group(3)) < 1.2, 'untrained images should look all alike'
