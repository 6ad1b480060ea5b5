"""The measures of the committed notebooks, as Markdown tables.

    python tools/results.py [SECTION ...]

Every lesson reports its measures as data (`d2l.report`; tools/contract.py
reads them). This prints, for each section and each report of its lesson,
one table: a row per reported row, a column per measure, and in each cell
the three tracks' values (MXNet / PyTorch / TensorFlow). docs/results.md
shows these tables; a test checks that they are the committed notebooks'.
"""
import argparse
import sys

import contract
import nbformat
import nbsource


def value_text(value):
    """A measure as a table shows it: whole numbers as they are, others with
    three significant digits (one decimal from 100 on)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int):
        return str(value)
    return f'{value:.1f}' if abs(value) >= 100 else f'{value:.3g}'


def section_tables(section, folder=None):
    """The Markdown tables of one section's reports, tracks side by side."""
    per_track = {track: contract.measures(nbformat.read(
        nbsource.notebook_path(section, track, folder), as_version=4))
        for track in nbsource.TRACKS}
    first = per_track[next(iter(nbsource.TRACKS))]
    tables = []
    for name, rows in first.items():
        columns = [c for c in dict.fromkeys(c for row in rows.values() for c in row)
                   if any(value_text(row.get(c)) for row in rows.values())]
        lines = [f'| {name} | ' + ' | '.join(columns) + ' |',
                 '|---' * (len(columns) + 1) + '|']
        for row in rows:
            cells = [' / '.join(value_text(per_track[t][name][row].get(c)) or '-'
                                for t in nbsource.TRACKS) for c in columns]
            lines.append(f'| {row} | ' + ' | '.join(cells) + ' |')
        tables.append('\n'.join(lines))
    return tables


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('sections', nargs='*')
    args = ap.parse_args(argv)
    tracks = ' / '.join(nbsource.LABELS.values())
    for section in nbsource.sections(args.sections):
        print(f'`{section}` ({tracks}):\n')
        print('\n\n'.join(section_tables(section)) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
