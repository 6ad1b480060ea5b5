"""Worked solutions and student copies (tools/classroom.py).

Every exercise has a worked solution in its section's source; in the
notebooks it is executed like every other cell (the fresh runs of
test_notebook_runs.py run and compare it too), folded away and marked the
way nbgrader marks solution cells. `make student` writes copies without
solutions and outputs. The website's closed dropdowns are checked in
test_website.py.
"""
import re
from pathlib import Path

import nbformat
import pytest
from conftest import read

from tools import classroom, nbcompare, nbsource, runner

ROOT = Path(__file__).resolve().parents[1]

TRACKS = list(nbsource.TRACKS)
SECTIONS = nbsource.sections()
# The section whose slowest track runs quickest, by the stamps of its notebooks.
SHORTEST = min(SECTIONS, key=lambda s: max(
    nbsource.seconds_per_run(nbsource.notebook_path(s, t)) for t in TRACKS))


def solutions(nb):
    """{exercise number: [its solution's cells]} of a notebook, the note first."""
    found, current = {}, None
    for cell in nb.cells:
        if not nbsource.is_solution(cell):
            current = None
        elif nbsource.NOTE_TAG in cell.metadata['tags']:
            current = int(re.match(r'\*\*Solution (\d+)\.\*\*', cell.source).group(1))
            found[current] = [cell]
        else:
            assert current is not None, f'a solution cell without its note: {cell.source[:60]}'
            found[current].append(cell)
    return found


@pytest.mark.parametrize('section', SECTIONS)
def test_every_exercise_has_a_worked_solution(section):
    cells = nbsource.parse(nbsource.SOURCES / f'{section}.md')
    assert cells.exercises >= 3, f'sections/{section}.md sets too few exercises'
    assert nbsource.unanswered(cells) == []


@pytest.mark.parametrize('section', SECTIONS)
@pytest.mark.parametrize('track', TRACKS)
def test_solutions_are_executed_folded_and_marked(section, track):
    nb = read(section, track)
    found = solutions(nb)
    exercises = nbsource.parse(nbsource.SOURCES / f'{section}.md').exercises
    assert sorted(found) == list(range(1, exercises + 1))
    ids = []
    for n, (note, *cells) in found.items():
        assert note.source == nbsource.SOLUTION_NOTE.format(n=n)
        assert 'jupyter' not in note.metadata, 'the note stays visible'
        assert cells, f'solution {n} has no cells'
        for cell in cells:
            # Folded, JupyterLab shows the first line: a label, not the answer.
            label = nbsource.SOLUTION_LABEL[cell.cell_type].format(n=n)
            assert cell.source.split('\n', 1)[0] == label
            assert cell.metadata['jupyter']['source_hidden'] is True
            assert cell.metadata['nbgrader']['solution'] is True
            ids.append(cell.metadata['nbgrader']['grade_id'])
            if cell.cell_type == 'code':
                assert cell.metadata['jupyter']['outputs_hidden'] is True
                assert cell.execution_count is not None
        code = [c for c in cells if c.cell_type == 'code']
        if code:  # a solution runs what it proposes and shows the result
            assert any(c.outputs for c in code), f'solution {n} shows no result'
    assert len(ids) == len(set(ids)), 'nbgrader needs a grade_id unique in the notebook'


@pytest.fixture(scope='module')
def student(tmp_path_factory):
    out = tmp_path_factory.mktemp('student')
    assert len(classroom.write_students(out)) == len(SECTIONS) * len(TRACKS)
    return out


@pytest.mark.parametrize('section', SECTIONS)
@pytest.mark.parametrize('track', TRACKS)
def test_student_copies_hold_the_lesson_and_exercises_without_solutions(
        student, section, track):
    copy = nbformat.read(nbsource.notebook_path(section, track, student), as_version=4)
    nbformat.validate(copy)
    teacher = read(section, track)
    answers = [c.source for c in teacher.cells if nbsource.is_solution(c)]
    assert answers, 'the instructor copy has solutions'
    assert not any(nbsource.is_solution(c) for c in copy.cells)
    assert not any(c.source in answers for c in copy.cells), 'solution text left over'
    assert not any('nbgrader' in c.metadata for c in copy.cells)
    # Folded: the section's note only, as in the instructor copy.
    assert [c.metadata for c in copy.cells if c.metadata] == [
        c.metadata for c in teacher.cells if nbsource.CLOSED_NOTE_TAG in c.metadata.get('tags', [])]
    # The lesson and the exercises, cell for cell as in the instructor copy.
    kept = [(c.cell_type, c.source) for c in teacher.cells if not nbsource.is_solution(c)]
    assert [(c.cell_type, c.source) for c in copy.cells] == kept
    assert sum(c.source.startswith(f'{n}. ') for c in copy.cells for n in range(1, 20)) == \
        nbsource.parse(nbsource.SOURCES / f'{section}.md').exercises
    # No outputs, no execution counts, no authors' stamp; its kernel kept.
    code = [c for c in copy.cells if c.cell_type == 'code']
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    assert nbsource.STAMP_KEY not in copy.metadata
    assert copy.metadata.kernelspec.name == nbsource.KERNELSPEC['name']


@pytest.mark.parametrize('track', TRACKS)
def test_a_student_copy_runs_up_to_its_exercises(student, track):
    """A student copy runs top to bottom: its code is the lesson, which the
    fresh runs execute in every section; here the shortest section runs as
    handed out, from the student folder."""
    fresh, = runner.run(nbsource.notebook_path(SHORTEST, track, student))
    assert nbcompare.run_problems(fresh) == []
    assert nbcompare.learning_problems(SHORTEST, fresh) == []


@pytest.mark.parametrize('folder', ['.', 'notebooks', 'notebooks/pytorch', 'sections'])
def test_student_copies_never_overwrite_the_course(tmp_path, folder):
    before = {p: p.read_bytes() for p in (ROOT / 'notebooks').rglob('*.ipynb')}
    with pytest.raises(SystemExit, match='refusing to write copies into'):
        classroom.write_students(ROOT / folder)
    assert {p: p.read_bytes() for p in (ROOT / 'notebooks').rglob('*.ipynb')} == before
    afile = tmp_path / 'afile'
    afile.write_text('keep me')
    with pytest.raises(SystemExit, match='is a file, not a folder'):
        classroom.write_students(afile)
    assert afile.read_text() == 'keep me'


def test_the_readme_lists_every_section_with_its_measured_lesson_time():
    """Each section has a row in README.md's table of sections, ending with
    its lessons' stamped run times in the tracks' order."""
    readme = (ROOT / 'README.md').read_text()
    for section, tracks in classroom.run_times().items():
        row = re.search(rf'^\| `{re.escape(section)}` \|.*\| ([^|]*) \|$', readme, re.M)
        assert row, f'README.md lists no section {section}'
        wanted = ' / '.join(f'{lesson} s' for lesson, _ in tracks.values())
        assert row.group(1) == wanted, f'{section}: README says {row.group(1)}, the ' \
            f'notebooks {wanted} (python -m tools.classroom times)'


@pytest.mark.parametrize('section', SECTIONS)
def test_nbgrader_assignments_keep_the_solutions_unfolded(tmp_path, section):
    """What `nbgrader generate_assignment` needs (nbgrader 0.9's metadata
    rules): every solution cell marked, a Markdown one as a manually graded
    answer with points, grade ids unique; nothing folded, no notes, no outputs.
    (Checked by hand with nbgrader 0.9.6: it turns each solution cell into
    its stub; nbgrader is not part of the course's environment.)"""
    path, = classroom.write_nbgrader(tmp_path, 'tensorflow', [section])
    assert path == tmp_path / section / f'{section}.ipynb'
    copy = nbformat.read(path, as_version=4)
    teacher = read(section, 'tensorflow')
    answers = [c for c in teacher.cells if nbsource.is_solution(c)
               and nbsource.NOTE_TAG not in c.metadata['tags']]
    marked = [c for c in copy.cells if 'nbgrader' in c.metadata]
    assert [c.source for c in marked] == [c.source for c in answers]
    for cell in marked:
        meta = cell.metadata['nbgrader']
        assert meta['solution'] is True and meta['schema_version'] == 3
        if cell.cell_type == 'markdown':
            assert meta['grade'] is True and 'points' in meta
    ids = [c.metadata['nbgrader']['grade_id'] for c in marked]
    assert len(ids) == len(set(ids))
    assert not any('jupyter' in c.metadata for c in copy.cells)
    assert not any(nbsource.NOTE_TAG in c.metadata.get('tags', []) for c in copy.cells)
    assert all(c.outputs == [] for c in copy.cells if c.cell_type == 'code')


def test_nbgrader_copies_name_a_track_that_does_not_exist(tmp_path):
    with pytest.raises(SystemExit, match="no track 'torch'; choose one of mxnet, pytorch"):
        classroom.write_nbgrader(tmp_path, 'torch')
    assert list(tmp_path.iterdir()) == []
