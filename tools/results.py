"""The course's measured numbers as Markdown tables, generated from data.

    python -m tools.results committed SECTION   the committed notebooks' measures
    python -m tools.results variation SECTION   their spread over seeds and CPUs
    python -m tools.results claims              every claim, with its measured range
    python -m tools.results bench SECTION       speed and run times (make bench)
    python -m tools.results times               each notebook's stamped run time
    python -m tools.results sections            the sections, what each teaches, run times
    python -m tools.results --write             renew every generated table in the docs

The data: the measures each lesson reports (`d2l.report`, read from the
committed notebooks by tools/contract.py), results/variation/<section>.json
(tools/variation.py) and results/bench/<section>.json (tools/bench.py).

A page shows a table between two comment lines that name the command:

    <!-- results: variation gan -->
    | ... |
    <!-- end results -->

`--write` replaces what stands between them with what the command prints
now; a test checks that every such table is the one its data gives.
"""
import argparse
import ast
import re
import statistics
import sys

import nbformat

from tools import bench, classroom, contract, nbsource, variation

PAGES = [nbsource.ROOT / 'README.md', nbsource.ROOT / 'CONTRIBUTING.md',
         *sorted((nbsource.ROOT / 'docs').glob('*.md'))]
BLOCK = re.compile(r'(<!-- results: (?P<command>[^>]*?) -->\n)(?P<table>.*?)(<!-- end results -->)',
                   re.DOTALL)


def value_text(value):
    """A measure as a table shows it: whole numbers as they are, others with
    three significant digits (one decimal from 100 on), lists as lists."""
    if isinstance(value, list):
        items = [value_text(v) for v in value]
        return None if None in items else '[' + ', '.join(items) + ']'
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int):
        return str(value)
    return f'{value:.1f}' if abs(value) >= 100 else f'{value:#.3g}'


def spread(values):
    """'a to b' (or 'a' where all are equal) of some numbers."""
    low, high = value_text(min(values)), value_text(max(values))
    return low if low == high else f'{low} to {high}'


def table(head, rows):
    return '\n'.join(['| ' + ' | '.join(head) + ' |', '|---' * len(head) + '|',
                      *('| ' + ' | '.join(row) + ' |' for row in rows)])


# ---------------------------------------------------------------- committed
def committed(section, folder=None):
    """One table per report of a section's lesson: a row per reported row,
    a column per measure, each cell the three tracks' values."""
    per_track = {track: contract.measures(nbformat.read(
        nbsource.notebook_path(section, track, folder), as_version=4))
        for track in nbsource.TRACKS}
    first = per_track[next(iter(nbsource.TRACKS))]
    tables = []
    for name, rows in first.items():
        columns = [c for c in dict.fromkeys(c for row in rows.values() for c in row)
                   if any(value_text(row.get(c)) for row in rows.values())]
        cells = [[row] + [' / '.join(value_text(per_track[t][name][row].get(c)) or '-'
                                     for t in nbsource.TRACKS) for c in columns]
                 for row in rows]
        tables.append(table([name, *columns], cells))
    tracks = ' / '.join(nbsource.LABELS.values())
    return f'`{section}`, committed notebooks ({tracks}):\n\n' + '\n\n'.join(tables)


# ---------------------------------------------------------------- variation
def measure_names(expression):
    """The measures an expression reads, as written in it (`a.b['c'].d`)."""
    tree = ast.parse(expression, mode='eval')
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, (ast.Attribute, ast.Subscript))}
    return [ast.unparse(n) for n in ast.walk(tree)
            if isinstance(n, (ast.Attribute, ast.Subscript)) and id(n) not in inner]


def runs_text(runs):
    seeds = sorted({r['seed'] for r in runs})
    numerics = sorted({r['numerics'] for r in runs})
    cpus = sorted({r['cpu'] for r in runs})
    return (f'{len(runs)} runs: seeds {", ".join(map(str, seeds))}; code paths '
            f'{" and ".join(numerics)}; {len(cpus)} CPU{"s" * (len(cpus) > 1)} '
            f'({"; ".join(cpus)}); {min(r["date"] for r in runs)} to '
            f'{max(r["date"] for r in runs)}')


def variation_table(section, folder=None):
    """Each measure the section's claims read: its median and range per
    track over the variation runs, and how many runs met every claim."""
    runs = variation.load(section, folder)
    if not runs:
        return f'`{section}`: no variation runs yet (python -m tools.variation {section})'
    terms = contract.load(section)
    names = list(dict.fromkeys(name for claim in terms.claims
                               for name in measure_names(claim.holds)))
    head = ['measure', *(nbsource.LABELS[t] for t in nbsource.TRACKS)]
    rows = []
    for name in names:
        row = [f'`{name}`']
        for track in nbsource.TRACKS:
            values = [contract.evaluate(name, r['measures']) for r in runs
                      if r['track'] == track]
            row.append(f'{value_text(statistics.median(values))} ({spread(values)})'
                       if values else '-')
        rows.append(row)
    # judged by the contract as it stands now, which may be newer than the runs
    counts = [(sum(not contract.problems(terms, r['measures']) for r in runs
                   if r['track'] == t),
               sum(r['track'] == t for r in runs)) for t in nbsource.TRACKS]
    rows.append(['runs that met every claim',
                 *(f'{met} of {n}' if n else '-' for met, n in counts)])
    return (f'`{section}`, median (range) over {runs_text(runs)}:\n\n'
            + table(head, rows))


def claim_measured(claim, runs):
    """What the variation runs measured for one claim: each comparison's
    two sides and its least margin (contract.slack)."""
    if not runs:
        return 'not measured yet'
    parts = []
    for left, op, right in contract.comparisons(claim.holds):
        lefts = [contract.evaluate(left, r['measures']) for r in runs]
        if op is None:
            parts.append(f'true in {sum(map(bool, lefts))} of {len(runs)}')
            continue
        rights = [contract.evaluate(right, r['measures']) for r in runs]
        text = f'{spread(lefts)} {op} {spread(rights)}'
        slacks = [contract.slack(a, op, b) for a, b in zip(lefts, rights)]
        if op != '==':
            text += f' (margin at least {min(slacks):.0%})'
        parts.append(text)
    return '; '.join(parts) + f' in {len(runs)} runs'


def claims_table(folder=None):
    """Every section's claims with what the variation runs measured."""
    rows = []
    for section in nbsource.sections():
        runs = variation.load(section, folder)
        rows += [[f'`{section}`', claim.says, claim_measured(claim, runs)]
                 for claim in contract.load(section).claims]
    return table(['section', 'every run must show', 'measured'], rows)


# -------------------------------------------------------------------- bench
def bench_table(section, folder=None):
    return bench.table(section, bench.load(section, folder))


# ----------------------------------------------------------------- commands
COMMANDS = {'committed': committed, 'variation': variation_table, 'bench': bench_table}


def render(command):
    """What a command (as a block names it: 'variation gan') prints."""
    name, *args = command.split()
    if name == 'claims' and not args:
        return claims_table()
    if name == 'times' and not args:
        return classroom.times_table()
    if name == 'sections' and not args:
        return classroom.sections_table()
    if name in COMMANDS and len(args) == 1 and args[0] in nbsource.sections():
        return COMMANDS[name](args[0])
    raise SystemExit(f'unknown results command {command!r}: use claims, times, sections, or one of '
                     f'{sorted(COMMANDS)} and a section of {nbsource.sections()}')


def blocks(text):
    """The generated blocks of a page: (command, table as it stands)."""
    return [(m['command'], m['table'].strip('\n')) for m in BLOCK.finditer(text)]


def renew(text):
    return BLOCK.sub(lambda m: m[1] + render(m['command']) + '\n' + m[4], text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('command', nargs='*',
                    help='claims | times | sections | committed S | variation S | bench S')
    ap.add_argument('--write', action='store_true', help='renew the tables in the docs')
    args = ap.parse_args(argv)
    if args.write:
        for page in PAGES:
            text = page.read_text()
            renewed = renew(text)
            if renewed != text:
                page.write_text(renewed)
                print(f'renewed {nbsource.shown(page)}')
        return 0
    if not args.command:
        ap.error('name a command, or --write')
    print(render(' '.join(args.command)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
