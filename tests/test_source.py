"""Reading a section's source (nbsource.parse): prose, code in three tracks,
exercises and their worked solutions, and an error naming the line for
every source that cannot become three tracks."""
import re

import pytest

from tools import nbsource


def write(tmp_path, text):
    path = tmp_path / 'demo.md'
    path.write_text(text)
    return path


EXERCISES = '# Demo\n\n## Exercises\n\n'
SOLUTION = ':::{solution}\nBecause.\n:::\n'


def test_a_source_with_solutions_parses_into_marked_cells(tmp_path):
    path = write(tmp_path, EXERCISES + '1. Why?\n\n' + SOLUTION + '\n2. How?\n\n'
                 ':::{solution}\nLike this.\n\n```python\nprint(1)\n```\n\nDone.\n:::\n')
    cells = nbsource.parse(path)
    assert cells.exercises == 2
    assert [(c[0], c.solution) for c in cells] == [
        ('markdown', None), ('markdown', None), ('markdown', None), ('markdown', 1),
        ('markdown', None), ('markdown', 2), ('code', 2), ('markdown', 2)]
    contents = nbsource.cell_contents(cells, 'pytorch', 'demo')
    notes = [c for c in contents if nbsource.NOTE_TAG in c[3].get('tags', [])]
    assert [c[1] for c in notes] == [nbsource.SOLUTION_NOTE.format(n=n) for n in (1, 2)]


@pytest.mark.parametrize('text, message', [
    ('# Demo\n\n' + SOLUTION, 'a solution must follow its exercise'),
    (EXERCISES + '1. Why?\n\n:::{solution}\nBecause.\n', 'the solution is never closed'),
    (EXERCISES + '1. Why?\n\n:::{solution}\n:::\n', 'the solution is empty'),
    (EXERCISES + '1. Why?\n\n' + SOLUTION + '1. How?\n', 'this is exercise 2, numbered 1'),
    (EXERCISES + '1. Why?\n\n' + SOLUTION + SOLUTION, 'exercise 1 has a solution already'),
    (EXERCISES + '1. Why?\n\n:::{solution}\n:::{solution}\n', 'a solution inside the solution'),
    (EXERCISES + '1. Why?\n\n:::{solution}\n```pytorch\nx = 1\n```\n:::\n',
     'the code cell has no mxnet, tensorflow version'),
])
def test_a_misplaced_solution_is_named(tmp_path, text, message):
    with pytest.raises(nbsource.SourceError, match=re.escape(message)):
        nbsource.parse(write(tmp_path, text))


def test_an_exercise_without_solution_is_named(tmp_path):
    path = write(tmp_path, EXERCISES + '1. Why?\n\n' + SOLUTION + '\n2. How?\n\n3. When?\n')
    assert nbsource.unanswered(nbsource.parse(path)) == [2, 3]


def test_a_source_becomes_prose_and_code_cells_of_every_track(tmp_path):
    path = write(tmp_path, '# Demo\n\nWhy.\n\n```python\nimport d2l\n```\n\nHow:\n\n'
                 '```mxnet\nx = 1\n```\n\n```pytorch\nx = 2\n```\n```tensorflow\nx = 3\n```\n'
                 '\n```bash\nmake lab\n```\n')
    cells = nbsource.parse(path)
    assert [c[0] for c in cells] == ['markdown', 'code', 'markdown', 'code', 'markdown']
    assert cells[1][1] == dict.fromkeys(nbsource.TRACKS, 'import d2l')
    assert cells[3][1] == {'mxnet': 'x = 1', 'pytorch': 'x = 2', 'tensorflow': 'x = 3'}
    assert cells[4][1] == '```bash\nmake lab\n```'  # another language is prose


@pytest.mark.parametrize('text, message', [
    ('# Demo\n\n```pytorch\nx = 1\n', 'demo.md:3: the ```pytorch block is never closed'),
    ('# Demo\n\n```python\nx = 1\n```\n```pytorch\nx = 2\n```\n',
     'demo.md:6: a second pytorch block in the code cell that starts on line 3'),
    ('# Demo\n\n```mxnet\nx = 1\n```\n\nProse.\n',
     'demo.md:3: the code cell has no pytorch, tensorflow version'),
])
def test_a_code_cell_that_is_not_three_tracks_is_named(tmp_path, text, message):
    with pytest.raises(nbsource.SourceError, match=re.escape(message)):
        nbsource.parse(write(tmp_path, text))


NOTE = ':::{note} How we measured\nOn two cores.\n\nTwice.\n:::\n'


def test_the_note_is_one_folded_cell_with_its_label(tmp_path):
    cells = nbsource.parse(write(tmp_path, '# Demo\n\nWhy.\n\n' + NOTE + '\nHow.\n'))
    assert [(c[0], c.note) for c in cells] == [
        ('markdown', None), ('markdown', 'How we measured'), ('markdown', None)]
    kind, source, _, meta = nbsource.cell_contents(cells, 'mxnet', 'demo')[1]
    assert source == (nbsource.NOTE_LABEL.format(title='How we measured')
                      + '\nOn two cores.\n\nTwice.')
    assert meta == {'jupyter': {'source_hidden': True}, 'tags': [nbsource.CLOSED_NOTE_TAG]}


@pytest.mark.parametrize('text, message', [
    ('# Demo\n\n:::{note}\nText.\n:::\n', 'demo.md:3: the note has no title'),
    ('# Demo\n\n:::{note} Why\nText.\n', 'demo.md:3: the note is never closed'),
    ('# Demo\n\n:::{note} Why\n\n:::\n', 'demo.md:3: the note is empty'),
    ('# Demo\n\n' + NOTE + NOTE, 'demo.md:8: a second note'),
    ('# Demo\n\n:::{note} Why\n```python\nx = 1\n```\n:::\n',
     'demo.md:4: a note holds prose only (it started on line 3)'),
    ('# Demo\n\n:::{note} Why\n## A heading\n:::\n', 'demo.md:4: a note holds prose only'),
    ('# Demo\n\n:::{note} Why\n![a figure](../img/gan.png)\n:::\n',
     'demo.md:4: a note holds prose only'),
    (EXERCISES + '1. Why?\n\n:::{solution}\n' + NOTE, 'a note inside the solution'),
])
def test_a_misplaced_note_is_named(tmp_path, text, message):
    with pytest.raises(nbsource.SourceError, match=re.escape(message)):
        nbsource.parse(write(tmp_path, text))


def test_a_cell_break_splits_the_prose_into_two_cells(tmp_path):
    cells = nbsource.parse(write(tmp_path, '# Demo\n\nOne idea.\n\n+++\n\nThe next.\n'))
    assert [tuple(c) for c in cells] == [('markdown', '# Demo\n\nOne idea.'),
                                         ('markdown', 'The next.')]


def test_a_long_cell_is_named_at_its_first_line_and_equations_do_not_count(tmp_path):
    long = ' '.join(['word'] * (nbsource.MAX_CELL_WORDS + 1))
    with pytest.raises(nbsource.SourceError,
                       match=re.escape(f'demo.md:7: a Markdown cell of '
                                       f'{nbsource.MAX_CELL_WORDS + 1} words (at most '
                                       f'{nbsource.MAX_CELL_WORDS}); split it with a line +++')):
        nbsource.parse(write(tmp_path, f'# Demo\n\nShort.\n\n+++\n\n{long}\n'))
    most = ' '.join(['word'] * (nbsource.MAX_CELL_WORDS - 2))  # with the heading's two
    equation = '$$ ' + ' + '.join('x' * 50) + ' $$'
    cells = nbsource.parse(write(tmp_path, f'# Demo\n\n{most}\n\n{equation}\n\n# Next\n'))
    assert len(cells) == 2


@pytest.mark.parametrize('text, message', [
    ('# Demo\n\n+++\n\n+++\n', 'demo.md:5: a cell break (+++) with no prose before it'),
    ('# Demo\n\n```python\nx = 1\n```\n+++\n', 'demo.md:6: a cell break (+++) with no prose'),
    ('# Demo\n\n:::{note} Why\nText.\n+++\n:::\n',
     'demo.md:5: a cell break inside the note that starts on line 3'),
])
def test_a_misplaced_cell_break_is_named(tmp_path, text, message):
    with pytest.raises(nbsource.SourceError, match=re.escape(message)):
        nbsource.parse(write(tmp_path, text))
