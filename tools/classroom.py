"""Copies of the course for a class.

    python -m tools.classroom student [--out student] [SECTION ...]   (or: make student)
    python -m tools.classroom nbgrader --out COURSE/source [--track pytorch] [SECTION ...]
    python -m tools.classroom times                                    run times, as a table

The committed notebooks are the instructor's copies: each exercise is
followed by its worked solution, executed, folded away and marked (see
SOLUTION_TAG in tools/nbsource.py). A student copy is the same notebook
without the solutions and without any output: the lesson, then the
exercises, ready to run and to answer. `student` writes one per section and
track into student/<track>/<section>.ipynb (a folder git ignores), using
nbconvert's preprocessors:

* TagRemovePreprocessor drops every cell tagged as part of a solution (its
  note included);
* ClearOutputPreprocessor drops outputs and execution counts;
* ClearMetadataPreprocessor drops what the authors' tools stamped on the
  notebook (how it was checked, how long it ran), keeping its kernel.

`nbgrader` writes one track's notebooks as nbgrader assignments,
<out>/<section>/<section>.ipynb, for a course folder's source/: solutions
kept (nbgrader's solution cells, which `nbgrader generate_assignment`
replaces with stubs) but unfolded, their notes dropped, outputs cleared.

`times` prints how long each notebook ran when it was stored, lesson and
solutions apart: the table of the teachers' page, docs/teachers.md.
"""
import argparse
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import (
    ClearMetadataPreprocessor,
    ClearOutputPreprocessor,
    TagRemovePreprocessor,
)

from tools import contract, nbsource

ROOT = nbsource.ROOT
STUDENT = ROOT / 'student'


def preprocessed(nb, drop_tag, keep_cell_metadata=()):
    """A copy of a notebook without the cells tagged drop_tag, without outputs
    and without metadata other than the kernel's and keep_cell_metadata."""
    nb = nbformat.from_dict(nbformat.reads(nbformat.writes(nb), as_version=4))
    resources = {}
    for step in (TagRemovePreprocessor(remove_cell_tags={drop_tag}),
                 ClearOutputPreprocessor(),
                 ClearMetadataPreprocessor(
                     preserve_nb_metadata_mask={'kernelspec', 'language_info'},
                     preserve_cell_metadata_mask=set(keep_cell_metadata))):
        nb, resources = step.preprocess(nb, resources)
    return nb


def student_copy(nb):
    """A copy of an instructor's notebook without solutions and outputs; the
    section's note stays folded (its `jupyter` metadata and tag are kept)."""
    return preprocessed(nb, nbsource.SOLUTION_TAG, keep_cell_metadata={'jupyter', 'tags'})


def nbgrader_source(nb):
    """A copy of an instructor's notebook for nbgrader's source/ folder."""
    nb = preprocessed(nb, nbsource.NOTE_TAG, keep_cell_metadata={'nbgrader', 'tags'})
    for cell in nb.cells:  # unfolded: nbgrader's stubs must not hide
        cell.metadata.pop('jupyter', None)
    return nb


def check_out_folder(out):
    """Refuse a folder whose notebooks must not be overwritten."""
    out = Path(out).resolve()
    for keep in (ROOT, nbsource.NOTEBOOKS, nbsource.SOURCES):
        if out == keep or keep in out.parents and keep != ROOT:
            raise SystemExit(f'refusing to write copies into {out}: it would '
                             f'replace or mix with the course itself; choose a new folder, '
                             f'e.g. --out student')
    if out.exists() and not out.is_dir():
        raise SystemExit(f'{out} is a file, not a folder; choose a folder for the copies')
    return out


def write_copies(make_copy, where, out, names=None, tracks=nbsource.TRACKS):
    """Write make_copy(notebook) of each section and track to where(out,
    section, track); return the paths. Each file is written whole or not at all."""
    out = check_out_folder(out)
    for track in tracks:
        if track not in nbsource.TRACKS:
            raise SystemExit(f'no track {track!r}; choose one of {", ".join(nbsource.TRACKS)}')
    written = []
    for section in nbsource.sections(names):
        for track in tracks:
            nb = nbformat.read(nbsource.notebook_path(section, track), as_version=4)
            path = where(out, section, track)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix('.ipynb.tmp')
            nbformat.write(make_copy(nb), tmp)
            tmp.replace(path)
            written.append(path)
    return written


def write_students(out=STUDENT, names=None):
    """Student copies: <out>/<track>/<section>.ipynb."""
    return write_copies(student_copy, lambda out, section, track:
                        nbsource.notebook_path(section, track, out), out, names)


def write_nbgrader(out, track='pytorch', names=None):
    """nbgrader assignments of one track: <out>/<section>/<section>.ipynb."""
    return write_copies(nbgrader_source, lambda out, section, track:
                        out / section / f'{section}.ipynb', out, names, [track])


def run_times():
    """{section: {track: (seconds for the lesson, seconds for the solutions)}},
    as stamped on each notebook when it was executed and stored."""
    times = {}
    for section in nbsource.sections():
        times[section] = {}
        for track in nbsource.TRACKS:
            nb = nbformat.read(nbsource.notebook_path(section, track), as_version=4)
            stamp = nb.metadata.get(nbsource.STAMP_KEY, {})
            total, solutions = stamp.get('seconds_per_run'), stamp.get('seconds_for_solutions')
            if total is None or solutions is None:
                raise SystemExit(f'{nbsource.notebook_path(section, track)} has no run '
                                 f'time; store it with `make notebooks SECTIONS={section}`')
            times[section][track] = (total - solutions, solutions)
    return times


def times_table():
    """The Markdown table of run times (the teachers' page, docs/teachers.md)."""
    head = '| section | ' + ' | '.join(nbsource.LABELS.values()) + ' |'
    rows = [head, '|---' * (1 + len(nbsource.LABELS)) + '|']
    for section, tracks in run_times().items():
        cells = [f'{lesson} s + {solutions} s' for lesson, solutions in tracks.values()]
        rows.append(f'| `{section}` | ' + ' | '.join(cells) + ' |')
    return '\n'.join(rows)


def sections_table():
    """The README's table of sections: what each teaches (its contract's
    `teaches`) and how long its lesson runs in each track."""
    head = ('| section | what it teaches | lesson runs in ('
            + ' / '.join(nbsource.LABELS.values()) + ') |')
    rows = [head, '|---|---|---|']
    for section, tracks in run_times().items():
        teaches = contract.load(section).teaches
        times = ' / '.join(f'{lesson} s' for lesson, _ in tracks.values())
        rows.append(f'| `{section}` | {teaches} | {times} |')
    return '\n'.join(rows)


def shown(path):
    """A path as the user would type it: relative to here when inside."""
    path = Path(path).resolve()
    return path.relative_to(Path.cwd()) if Path.cwd() in path.parents else path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('student', help='write student copies (no solutions, no outputs)')
    s.add_argument('--out', default=str(STUDENT), help='folder (default: student/)')
    s.add_argument('sections', nargs='*')
    g = sub.add_parser('nbgrader', help="write one track as nbgrader assignments")
    g.add_argument('--out', required=True, help="a course folder's source/ folder")
    g.add_argument('--track', default='pytorch', help='mxnet, pytorch or tensorflow')
    g.add_argument('sections', nargs='*')
    sub.add_parser('times', help='print the run-time table of the teacher\'s page')
    args = ap.parse_args(argv)
    if args.cmd == 'student':
        paths = write_students(args.out, args.sections)
        print(f'wrote {len(paths)} student copies into {shown(args.out)}/ '
              f'(no solutions, no outputs)')
    elif args.cmd == 'nbgrader':
        paths = write_nbgrader(args.out, args.track, args.sections)
        print(f'wrote {len(paths)} {args.track} assignments into {shown(args.out)}/; '
              f'release them with `nbgrader generate_assignment <section>`')
    else:
        print(times_table())
    return 0


if __name__ == '__main__':
    sys.exit(main())
