"""Build the three tracks of each section from one plain-text source.

A section's source is ``sections/<section>.md``: Markdown prose, written
once, with its code in fenced blocks. A block fenced as ``mxnet``,
``pytorch`` or ``tensorflow`` holds that track's code; the three versions of
one step stand next to each other (only blank lines between them) and become
one code cell in each notebook. A block fenced as ``python`` is the same code
in all three tracks. Prose becomes Markdown cells, a new one at each heading
and at a line ``+++``, of at most MAX_CELL_WORDS words each.
Any other fence (``text``, ``bash``, ...) stays part of the prose.

A section ends with ``## Exercises``, a numbered list; each item is a cell
of its own and is followed by its worked solution, written like the rest of
the source between a line ``:::{solution}`` and a line ``:::``. In the
notebooks a solution's cells are folded away behind a visible note and
marked for student copies and nbgrader (see SOLUTION_TAG).

What a curious reader may want but a learner can skip (how the frameworks
were made fast, how runs vary between machines, how a figure was measured)
goes into the section's one note: prose between a line ``:::{note} Title``
and a line ``:::``. It becomes one folded Markdown cell in the notebooks
(its first line names it, see NOTE_LABEL) and a closed dropdown on the
website.

Commands (run them in the course environment, e.g. through the Makefile):

    python -m tools.nbsource build [SECTION ...]    write the notebooks, unexecuted (where
                                                    only prose changed, outputs are kept)
    python -m tools.nbsource execute [SECTION ...]  run each twice in one kernel; store
                                                    the outputs if both runs agree
    python -m tools.nbsource check                  exit 1 if notebooks and sources differ
    python -m tools.nbsource lib [--check]          copy #@save code into d2lgan
    python -m tools.nbsource script SECTION TRACK   print a track as a Python script

Tracks are listed in TRACKS: folder name under notebooks/ and d2lgan module.
"""
import argparse
import hashlib
import re
import sys
import time
from pathlib import Path

import nbformat

from tools import contract, nbcompare, runner

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / 'notebooks'
SOURCES = ROOT / 'sections'
TRACKS = {'mxnet': 'mxnet', 'pytorch': 'torch', 'tensorflow': 'tensorflow'}
# How each track's framework is named for readers (tabs, tables).
LABELS = {'mxnet': 'MXNet', 'pytorch': 'PyTorch', 'tensorflow': 'TensorFlow'}
SAVE_MARK = '#@save'
LIB_BEGIN = '# ---- Saved from the notebooks: edit sections/*.md, then `make lib` ----'
LIB_END = '# ---- End of saved code ----'
KERNELSPEC = {'name': 'd2lgan', 'display_name': 'Python 3 (d2lgan)',
              'language': 'python'}  # installed into .venv by `make setup`

FENCE = re.compile(r'^```(\w*)\s*$')
# Exercises are a numbered list under this heading. Each item is followed by
# its worked solution, written between these two lines.
EXERCISES = '## Exercises'
EXERCISE_ITEM = re.compile(r'^(\d+)\. ')
SOLUTION_BEGIN = ':::{solution}'
SOLUTION_END = ':::'
# The section's one closed note, with its title: `:::{note} How we measured`.
NOTE_BEGIN = re.compile(r'^:::\{note\}(.*)$')
# A line of its own that ends one Markdown cell and starts the next (MyST's
# cell break), for prose that goes on without a heading or code between.
CELL_BREAK = '+++'
# A reader takes prose in short cells, one idea each. The note, folded and
# opened on demand, is one cell by design and is not held to this.
MAX_CELL_WORDS = 200
DISPLAY_MATH = re.compile(r'\$\$.*?\$\$', re.S)


def words(text):
    """How many words a Markdown text has, display equations left out."""
    return len(DISPLAY_MATH.sub(' ', text).split())


class SourceError(ValueError):
    """A section source that cannot be turned into three parallel tracks."""


class Cell(tuple):
    """One cell of a source: kind ('markdown' or 'code'), body (the text, or
    {track: code}), for a cell of a worked solution the number of the
    exercise it answers (else None) and for the section's note its title
    (else None). Unpacks as (kind, body)."""

    def __new__(cls, kind, body, solution=None, note=None):
        cell = super().__new__(cls, (kind, body))
        cell.solution = solution
        cell.note = note
        return cell


class Cells(list):
    """The cells of a source; `exercises` is how many exercises it sets."""
    exercises = 0


def parse(path):
    """Return the cells of a source (see Cell): Markdown prose, code in every
    track, and the worked solutions of its exercises. Raise SourceError,
    naming the line, for a source that cannot become three tracks."""
    return _Reader(path).read()


class _Reader:
    """Reads a source line by line. Each method is one step: it handles the
    kind of line it is named for, moves on past it, and raises SourceError
    for what cannot be read."""

    def __init__(self, path):
        self.path = path
        self.lines = Path(path).read_text().splitlines()
        self.i = 0                # the line being read
        self.cells = Cells()
        self.prose = []           # prose lines not yet in a cell
        self.group = None         # the code cell being filled: its start line and {track: code}
        self.solution = None      # (exercise number, line where its solution starts)
        self.exercise = None      # the last exercise seen under "## Exercises"
        self.note = None          # (title, line where the note being read starts)
        self.prose_start = None   # the line where the prose not yet in a cell starts

    def error(self, line, message):
        return SourceError(f'{self.path}:{line}: {message}')

    def read(self):
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if self.note:
                self.note_line(line)
            elif note := NOTE_BEGIN.match(line.rstrip()):
                self.note_begins(note.group(1).strip())
            elif line.rstrip() == SOLUTION_BEGIN:
                self.solution_begins()
            elif line.rstrip() == SOLUTION_END and self.solution:
                self.solution_ends()
            elif line.rstrip() == CELL_BREAK:
                self.cell_break()
            else:
                self.count_exercise(line)
                fence = FENCE.match(line)
                tag = fence.group(1) if fence else None
                if tag in TRACKS or tag == 'python':
                    self.code_block(tag)
                elif tag:
                    self.other_fence()
                elif not line.strip():
                    self.blank_line()
                else:
                    self.prose_line(line)
        self.close_code_cell()
        if self.note:
            raise self.error(self.note[1], f'the note is never closed; end it with a line '
                                           f'{SOLUTION_END}')
        if self.solution:
            raise self.error(self.solution[1], f'the solution is never closed; end it '
                                               f'with a line {SOLUTION_END}')
        self.flush_prose()
        self.cells.exercises = self.exercise or 0
        return self.cells

    def flush_prose(self):
        """Make the prose read so far a Markdown cell, if it is short enough."""
        text = '\n'.join(self.prose).strip('\n')
        if text:
            count = words(text)
            if count > MAX_CELL_WORDS:
                raise self.error(self.prose_start, f'a Markdown cell of {count} words '
                                                   f'(at most {MAX_CELL_WORDS}); split it with '
                                                   f'a line {CELL_BREAK} where the idea '
                                                   f'changes, or shorten it')
            self.cells.append(Cell('markdown', text, self.solution and self.solution[0]))
        self.prose.clear()
        self.prose_start = None

    def cell_break(self):
        """A line +++: the prose so far becomes a cell of its own."""
        if self.group is not None or not ''.join(self.prose).strip():
            raise self.error(self.i + 1, f'a cell break ({CELL_BREAK}) with no prose '
                                         f'before it; it splits one Markdown cell in two')
        self.flush_prose()
        self.i += 1

    def close_code_cell(self):
        """End the code cell being filled; it must have every track."""
        if self.group is not None:
            missing = [t for t in TRACKS if t not in self.group['code']]
            if missing:
                raise self.error(self.group['start'], f'the code cell has no '
                                                      f'{", ".join(missing)} version')
        self.group = None

    def solution_begins(self):
        line = self.i + 1
        if self.solution:
            raise self.error(line, f'a solution inside the solution that starts on line '
                                   f'{self.solution[1]}; close it with {SOLUTION_END}')
        if self.exercise is None:
            raise self.error(line, f'a solution must follow its exercise, a numbered item '
                                   f'under "{EXERCISES}"')
        if any(c.solution == self.exercise for c in self.cells):
            raise self.error(line, f'exercise {self.exercise} has a solution already; '
                                   f'give each exercise one')
        self.close_code_cell()
        self.flush_prose()
        self.solution = (self.exercise, line)
        self.i += 1

    def solution_ends(self):
        self.close_code_cell()
        self.flush_prose()
        if not any(c.solution == self.solution[0] for c in self.cells):
            raise self.error(self.solution[1], 'the solution is empty')
        self.solution = None
        self.i += 1

    def note_begins(self, title):
        line = self.i + 1
        if not title:
            raise self.error(line, 'the note has no title; write it on the same line, '
                                   'as in ":::{note} How we measured"')
        if self.solution:
            raise self.error(line, f'a note inside the solution that starts on line '
                                   f'{self.solution[1]}; a solution says everything itself')
        if any(c.note for c in self.cells):
            raise self.error(line, 'a second note: a section has one, so that a reader '
                                   'finds everything set aside in one place; merge them')
        self.close_code_cell()
        self.flush_prose()
        self.note = (title, line)
        self.i += 1

    def note_line(self, line):
        """A line of the note: prose, up to the line that ends it."""
        if line.rstrip() == SOLUTION_END:
            text = '\n'.join(self.prose).strip('\n')
            if not text:
                raise self.error(self.note[1], 'the note is empty')
            self.cells.append(Cell('markdown', text, note=self.note[0]))
            self.prose.clear()
            self.note = None
        elif line.rstrip() == CELL_BREAK:
            raise self.error(self.i + 1, f'a cell break inside the note that starts on line '
                                         f'{self.note[1]}; a note is one folded cell')
        elif (FENCE.match(line) or line.startswith('#') or line.startswith(':::')
              or IMAGE_LINK.search(line)):
            raise self.error(self.i + 1, f'a note holds prose only (it started on line '
                                         f'{self.note[1]}); put code, headings, '
                                         f'figures and solutions in the lesson')
        else:
            self.prose.append(line)
        self.i += 1

    def count_exercise(self, line):
        """Follow the headings and the numbered exercises (does not move on:
        the line is also prose)."""
        if line.startswith('## '):
            self.exercise = 0 if line.rstrip() == EXERCISES else None
        elif self.exercise is not None and not self.solution:
            item = EXERCISE_ITEM.match(line)
            if item:
                if int(item.group(1)) != self.exercise + 1:
                    raise self.error(self.i + 1, f'this is exercise {self.exercise + 1}, '
                                                 f'numbered {item.group(1)}; number them '
                                                 f'1, 2, 3, ...')
                self.exercise += 1
                self.close_code_cell()
                self.flush_prose()  # each exercise is a cell of its own

    def code_block(self, tag):
        """A ```python block (every track) or a ```<track> block (one track),
        added to the code cell being filled or starting one."""
        start = self.i + 1
        end = next((j for j in range(self.i + 1, len(self.lines))
                    if self.lines[j].rstrip() == '```'), None)
        if end is None:
            raise self.error(start, f'the ```{tag} block is never closed')
        code = '\n'.join(self.lines[self.i + 1:end]).strip('\n')
        self.i = end + 1
        if self.group is None:
            self.flush_prose()
            self.group = {'start': start, 'code': {}}
            self.cells.append(Cell('code', self.group['code'],
                                   self.solution and self.solution[0]))
        for track in list(TRACKS) if tag == 'python' else [tag]:
            if track in self.group['code']:
                raise self.error(start, f'a second {track} block in the code cell that '
                                        f'starts on line {self.group["start"]}; separate '
                                        f'cells with prose')
            self.group['code'][track] = code

    def other_fence(self):
        """A fenced block of another language (output, a shell command): prose."""
        self.prose_start = self.prose_start or self.i + 1
        self.prose.append(self.lines[self.i])
        self.i += 1
        while self.i < len(self.lines) and not self.lines[self.i].startswith('```'):
            self.prose.append(self.lines[self.i])
            self.i += 1
        if self.i < len(self.lines):
            self.prose.append(self.lines[self.i])
        self.i += 1
        self.group = None

    def blank_line(self):
        """Between the blocks of one code cell a blank line is nothing; else prose."""
        if self.group is None:
            self.prose.append(self.lines[self.i])
        self.i += 1

    def prose_line(self, line):
        """A line of prose ends the code cell; a heading starts a new cell."""
        self.close_code_cell()
        if line.startswith('#'):
            self.flush_prose()
        self.prose_start = self.prose_start or self.i + 1
        self.prose.append(line)
        self.i += 1


def unanswered(cells):
    """The exercises of a parsed section (`parse`) that have no worked
    solution, by number."""
    return sorted(set(range(1, cells.exercises + 1)) - {c.solution for c in cells})


def sections(names=None):
    """The sections to work on, in course order (the `order` of each
    section's contract, sections/<name>.toml): all, or those named."""
    try:
        ordered = contract.sections(SOURCES)
    except contract.ContractError as e:
        raise SystemExit(str(e)) from e
    for name in names or []:
        if name not in ordered:
            raise SystemExit(f'no source sections/{name}.md (have: {", ".join(ordered)})')
    return [s for s in ordered if s in names] if names else ordered


def shown(path):
    """A path for a message: relative to the course when inside it."""
    path = Path(path)
    return path.relative_to(ROOT) if ROOT in path.parents else path


def notebook_path(section, track, folder=None):
    """Where a track's notebook lives (under notebooks/, or under `folder`)."""
    return Path(folder or NOTEBOOKS) / track / f'{section}.ipynb'


# How a solution shows in a notebook. A visible note opens it; its cells are
# collapsed (JupyterLab's `jupyter.source_hidden` and `outputs_hidden`), tagged
# SOLUTION_TAG (`make student` removes those cells) and marked as solution
# cells the way nbgrader marks them, so that `nbgrader generate_assignment`
# replaces them with "YOUR CODE HERE" / "YOUR ANSWER HERE" stubs.
SOLUTION_TAG = 'solution'
NOTE_TAG = 'solution-note'  # the visible note that opens a solution
# JupyterLab shows the first line of a folded cell: in a solution that line
# is a label that gives nothing away.
SOLUTION_LABEL = {'markdown': '*(Solution {n})*', 'code': '# Solution {n}'}
SOLUTION_NOTE = ('**Solution {n}.** A worked answer is folded away below: click the ⋯ '
                 '(or the bar at the left of a cell) to open it.')
# How the section's note shows: one folded Markdown cell, tagged, whose first
# line (all JupyterLab shows of it while folded) is this label.
CLOSED_NOTE_TAG = 'closed-note'
NOTE_LABEL = '*(Note: {title}. Click to open.)*'


def note_metadata():
    """The metadata of the section's note: folded, and tagged CLOSED_NOTE_TAG."""
    return {'jupyter': {'source_hidden': True}, 'tags': [CLOSED_NOTE_TAG]}


def solution_metadata(section, exercise, k, kind):
    """The metadata of the k-th cell (from 1) of an exercise's solution.
    nbgrader accepts a Markdown solution cell only as a manually graded
    answer, so those get 0 points (a teacher sets the points in nbgrader)."""
    hidden = {'source_hidden': True}
    nbgrader = {'grade': False, 'grade_id': f'{section}-exercise-{exercise}-{k}',
                'locked': False, 'schema_version': 3, 'solution': True, 'task': False}
    if kind == 'code':
        hidden['outputs_hidden'] = True
    else:
        nbgrader.update(grade=True, points=0)
    return {'jupyter': hidden, 'nbgrader': nbgrader, 'tags': [SOLUTION_TAG]}


def cell_contents(cells, track, section='section'):
    """(cell_type, source, attachments, metadata) of each cell of one track:
    Markdown with its images embedded (see embed_images), code with None.
    Each worked solution is preceded by a visible note (SOLUTION_NOTE); the
    section's note starts with its label (NOTE_LABEL)."""
    out, count = [], {}
    for cell in cells:
        kind, body = cell
        n = cell.solution
        if n is not None and n not in count:
            count[n] = 0
            out.append(('markdown', SOLUTION_NOTE.format(n=n), {},
                        {'tags': [SOLUTION_TAG, NOTE_TAG]}))
        meta, label = {}, ''
        if cell.note:
            meta, label = note_metadata(), NOTE_LABEL.format(title=cell.note) + '\n'
        if n is not None:
            count[n] += 1
            meta = solution_metadata(section, n, count[n], kind)
            label = SOLUTION_LABEL[kind].format(n=n) + '\n'
        if kind == 'markdown':
            text, images = embed_images(body)
            out.append((kind, label + text, images, meta))
        else:
            out.append((kind, label + body[track], None, meta))
    return out


def cell_sources(cells, track):
    """(cell_type, source) pairs of one track."""
    return [(kind, source) for kind, source, *_ in cell_contents(cells, track)]


IMAGE_LINK = re.compile(r'(!\[[^\]]*\]\()((?:\.\./)+img/)([^)\s]+)\)')
# JupyterLab shows PNG and JPEG attachments, not SVG ones (jupyterlab#10464);
# tools/figures.py writes a PNG of each figure it draws.
IMAGE_TYPES = {'.png': 'image/png', '.jpg': 'image/jpeg'}


def embed_images(text):
    """Markdown whose links to img/ point to cell attachments instead, and
    those attachments: {name: {mime type: base64}}. A notebook then shows its
    figures wherever it is opened, with or without the repository around it."""
    import base64
    attachments = {}

    def attach(m):
        name = m.group(3)
        path = ROOT / 'img' / name
        if not path.is_file() or path.suffix not in IMAGE_TYPES:
            raise SourceError(f'{m.group(0)}: link to a .png or .jpg in img/ (JupyterLab '
                              f'does not show SVG attachments; tools/figures.py writes a '
                              f'PNG of each of its figures); img/{name} is not one')
        attachments[name] = {IMAGE_TYPES[path.suffix]:
                             base64.b64encode(path.read_bytes()).decode('ascii')}
        return f'{m.group(1)}attachment:{name})'

    return IMAGE_LINK.sub(attach, text), attachments


def notebook_contents(nb):
    """(cell_type, source, attachments, metadata) of each cell of a notebook,
    as cell_contents gives them for its source."""
    return [(c.cell_type, c.source,
             dict(c.get('attachments', {})) if c.cell_type == 'markdown' else None,
             dict(c.metadata))
            for c in nb.cells]


class ParityError(SourceError):
    """The three notebooks of a section do not line up cell for cell."""


def _first_line(cell):
    line = next((ln for ln in cell.source.splitlines() if ln.strip()), '')
    return line if len(line) <= 60 else line[:57] + '...'


def paired_cells(section, folder=None):
    """The cells of a section's three notebooks, side by side.

    Returns a list with one ``(cell_type, {track: cell})`` entry per cell.
    The tracks must be parallel: the same number of cells, code where the
    others have code, and identical Markdown. Otherwise ``ParityError`` names
    the section, the cell (counted from 1) and what differs. The test suite
    and the website (tools/website.py) both rely on this one rule.
    """
    nbs = {}
    for track in TRACKS:
        path = notebook_path(section, track, folder)
        if not path.exists():
            raise ParityError(f'section {section!r}: {path} is missing; every section '
                              f'needs a notebook in each of {", ".join(TRACKS)}')
        nbs[track] = nbformat.read(path, as_version=4).cells
    first, *others = TRACKS
    pairs = []
    for i in range(max(len(cells) for cells in nbs.values())):
        here = {t: nbs[t][i] for t in TRACKS if i < len(nbs[t])}
        where = f'section {section!r}, cell {i + 1}'
        if len(here) < len(TRACKS):
            lengths = ', '.join(f'{t} has {len(nbs[t])}' for t in TRACKS)
            raise ParityError(f'{where}: the tracks have different numbers of cells '
                              f'({lengths}); rebuild them with `make notebooks`')
        ref = here[first]
        for t in others:
            cell = here[t]
            if cell.cell_type != ref.cell_type:
                raise ParityError(f'{where}: {first} has a {ref.cell_type} cell '
                                  f'({_first_line(ref)!r}) where {t} has a '
                                  f'{cell.cell_type} cell ({_first_line(cell)!r})')
            if ref.cell_type == 'markdown' and cell.source != ref.source:
                raise ParityError(f'{where}: the Markdown differs between {first} and '
                                  f'{t} ({_first_line(ref)!r}); prose must be the same '
                                  f'in every track')
        pairs.append((ref.cell_type, here))
    return pairs


def build(section):
    """Write each track's notebook; keep one whose cells already match (and
    its outputs), so that building twice changes nothing. Where only prose
    changed, every code cell as before and in the same order, the code cells
    keep their outputs and the notebook its stamp: Markdown does not run, so
    the stored run is still the run of this code (see executed_code)."""
    cells = parse(SOURCES / f'{section}.md')
    for track in TRACKS:
        path = notebook_path(section, track)
        wanted = cell_contents(cells, track, section)
        old = nbformat.read(path, as_version=4) if path.exists() else None
        if old is not None and notebook_contents(old) == wanted:
            continue
        executed = executed_code(old, wanted)
        nb = nbformat.v4.new_notebook()
        nb.metadata = (old.metadata if executed is not None else
                       {'kernelspec': KERNELSPEC, 'language_info': {'name': 'python'}})
        for kind, src, images, metadata in wanted:
            if kind == 'code' and executed is not None:
                nb.cells.append(executed.pop(0))
                continue
            new = nbformat.v4.new_markdown_cell if kind == 'markdown' else nbformat.v4.new_code_cell
            cell = new(src, metadata=metadata)
            cell.pop('id', None)
            if images:
                cell.attachments = images
            nb.cells.append(cell)
        nb.nbformat_minor = 4
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        kept = ' (only prose changed: outputs kept)' if executed is not None else ''
        print(f'wrote {shown(path)}{kept}')


def executed_code(nb, wanted):
    """The code cells of notebook `nb`, outputs included, if they are exactly
    the code cells in `wanted` (cell_contents: same sources and metadata, in
    the same order); else None, and the notebook must be run again."""
    if nb is None:
        return None
    code = [c for c in nb.cells if c.cell_type == 'code']
    have = [c for c in notebook_contents(nb) if c[0] == 'code']
    return code if have == [c for c in wanted if c[0] == 'code'] else None


# Stamped into a notebook's metadata by `execute`: the notebook was run
# twice in one kernel (Run All, then Run All again, as a reader who reruns
# it) and the second run printed and drew exactly what the first did. The
# stamp also records how long one run took there (the test suite starts the
# longest notebooks first).
STAMP_KEY = 'd2lgan'
RERUN_CHECKED = {'second_run_in_same_kernel': 'identical'}


def store(path, timeout=1200, kernel_name=KERNELSPEC['name']):
    """Run the notebook at `path` twice in one fresh kernel, alone on the
    CPU as a reader runs it; store the first run's outputs, stamped
    (STAMP_KEY), only if the second run showed exactly the same (else raise
    SystemExit and leave the file alone). Return the seconds of one run."""
    tic = time.perf_counter()
    first, second = runner.run(path, runs=2, timeout=timeout, kernel_name=kernel_name,
                               shared_cpu=False)
    seconds = (time.perf_counter() - tic) / 2
    differ = nbcompare.exact(first, second)
    if differ:
        raise SystemExit(f'{path}: Run All again in the same kernel showed something else '
                         f'({"; ".join(differ[:3])}). A reader who reruns the notebook would '
                         f'see other results: seed every random generator at the top (see '
                         f'd2l.reproducible) and keep cells from depending on an earlier '
                         f'run. The notebook was not written.')
    first.metadata.pop('widgets', None)
    solutions = sum(cell_seconds(c) for c in first.cells if is_solution(c))
    first.metadata[STAMP_KEY] = {**RERUN_CHECKED, 'seconds_per_run': round(seconds),
                                 'seconds_for_solutions': round(solutions)}
    for cell in first.cells:
        cell.metadata.pop('execution', None)
    tmp = Path(path).with_suffix('.ipynb.tmp')
    nbformat.write(first, tmp)
    tmp.replace(path)
    return seconds


def code_hash(path):
    """A short fingerprint of a notebook's code cells (what the data files
    measured on): it changes when any code changes, and only then."""
    nb = nbformat.read(path, as_version=4)
    code = '\n\n'.join(c.source for c in nb.cells if c.cell_type == 'code')
    return hashlib.sha1(code.encode()).hexdigest()[:12]


def is_solution(cell):
    """Whether a notebook cell belongs to a worked solution (or is its note)."""
    return SOLUTION_TAG in cell.metadata.get('tags', [])


def cell_seconds(cell):
    """How long a code cell ran, from the timing nbclient records (0 if none)."""
    from datetime import datetime
    timing = cell.metadata.get('execution', {})
    start, end = timing.get('iopub.execute_input'), timing.get('shell.execute_reply')
    if not (start and end):
        return 0.0
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def seconds_per_run(path):
    """How long one run of a notebook took when it was stored (0 if unknown)."""
    return nbformat.read(path, as_version=4).metadata.get(STAMP_KEY, {}).get(
        'seconds_per_run', 0)


def check():
    """Return a list of notebooks whose cells differ from their source."""
    problems = []
    for section in sections():
        cells = parse(SOURCES / f'{section}.md')
        missing = unanswered(cells)
        if missing:
            problems.append(f'sections/{section}.md: exercise {", ".join(map(str, missing))} '
                            f'has no worked solution; write one after it, between the lines '
                            f'{SOLUTION_BEGIN} and {SOLUTION_END}')
        for track in TRACKS:
            path = notebook_path(section, track)
            if not path.exists():
                problems.append(f'{shown(path)} is missing')
                continue
            have = notebook_contents(nbformat.read(path, as_version=4))
            wanted = cell_contents(cells, track, section)
            if [c[:2] for c in have] != [c[:2] for c in wanted]:
                problems.append(f'{shown(path)} differs from '
                                f'sections/{section}.md')
            elif [c[3] for c in have] != [c[3] for c in wanted]:
                problems.append(f'{shown(path)}: its cell metadata (solution '
                                f'marks) differ from sections/{section}.md')
            elif have != wanted:
                problems.append(f'{shown(path)}: its images differ from img/')
    return problems


def saved_code(track):
    """The #@save cells of a track, in section order, without the marker."""
    blocks = []
    for section in sections():
        for kind, body in parse(SOURCES / f'{section}.md'):
            if kind == 'code' and body[track].lstrip().startswith(SAVE_MARK):
                code = body[track].lstrip()[len(SAVE_MARK):].strip('\n')
                blocks.append(f'# From notebooks/{track}/{section}.ipynb\n{code}')
    return blocks


def library_text(track):
    """The text of d2lgan/<module>.py with its saved block brought up to date."""
    path = ROOT / 'd2lgan' / f'{TRACKS[track]}.py'
    text = path.read_text()
    try:
        head, rest = text.split(LIB_BEGIN + '\n', 1)
        _, tail = rest.split(LIB_END, 1)
    except ValueError:
        raise SystemExit(f'{path}: the saved-code markers are missing') from None
    body = '\n\n\n'.join(saved_code(track))
    return path, head + LIB_BEGIN + '\n' + (body + '\n' if body else '') + LIB_END + tail


def lib(check_only=False):
    stale = []
    for track in TRACKS:
        path, text = library_text(track)
        if path.read_text() != text:
            stale.append(path)
            if not check_only:
                path.write_text(text)
                print(f'updated {shown(path)}')
    return stale


def script(section, track, solutions=True):
    """A track as one Python script (for quick runs and profiling); with
    solutions=False, the lesson alone (the worked solutions left out)."""
    cells = parse(SOURCES / f'{section}.md')
    if not solutions:
        cells = [c for c in cells if c.solution is None]
    return '\n\n'.join(src for kind, src in cell_sources(cells, track) if kind == 'code') + '\n'


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    for name in ('build', 'execute'):
        sub.add_parser(name).add_argument('sections', nargs='*')
    sub.add_parser('check')
    sub.add_parser('lib').add_argument('--check', action='store_true')
    s = sub.add_parser('script')
    s.add_argument('section')
    s.add_argument('track', choices=list(TRACKS))
    args = ap.parse_args(argv)
    try:
        if args.cmd == 'build':
            for section in sections(args.sections):
                build(section)
        elif args.cmd == 'execute':
            for section in sections(args.sections):
                for track in TRACKS:
                    path = notebook_path(section, track)
                    seconds = store(path)
                    print(f'executed {shown(path)} twice in one kernel, {seconds:.0f} s per run')
        elif args.cmd == 'check':
            problems = check()
            for p in problems:
                print(p)
            return 1 if problems else 0
        elif args.cmd == 'lib':
            stale = lib(check_only=args.check)
            if args.check and stale:
                print('out of date, run `make lib`:', *stale)
                return 1
        elif args.cmd == 'script':
            sys.stdout.write(script(args.section, args.track))
    except SourceError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
