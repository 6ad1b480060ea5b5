"""Benchmark the course's training runs: `make bench`.

Runs each track's notebook of a section from top to bottom, exactly as a
reader would (in a fresh kernel, on a temporary copy: the committed notebook
is not touched), and reads from it:

* examples/sec: the speed the training cell prints for its last epoch;
* train wall time: how long the training cell took, drawing included;
* quality: the measure the section's contract names (`[bench] quality`),
  such as the Frechet distance of its trained generator (lower is better);
* lesson and solutions: how long the notebook's lesson cells and its worked
  solutions took, the whole Run All a learner (or a teacher) waits for.
  Sections whose contract has a `[budget]` print whether every track kept it.

Each notebook runs --repeat times; the runs are written to
results/bench/<section>.json (with the CPU and the date), from which the
table is printed here and in docs/speed.md (`python -m tools.results bench
SECTION`); it shows the median and the range.
A section whose contract names a `baseline` (a script beside its source:
the same training with the book's library choices) has it run as often, in
the same session. The speed of a shared virtual machine drifts over an
hour, so only a baseline measured beside the notebooks gives a fair ratio.
The book's own figures (`book` in the contract: its code on the d2l 1.0.3
library, on a 2-core machine like the course's reference machine) are shown
too.
"""
import argparse
import datetime
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

from tools import contract, nbcompare, nbsource, runner

FRAMEWORK = nbsource.LABELS
SPEED = re.compile(r'(\d+(?:\.\d+)?) examples/sec')
NAN = float('nan')


def run_once(section, track, quality=None):
    """One Run All: speed and time of the training cell (the first that
    prints a speed), lesson and solution times, and the `quality` measure."""
    nb, = runner.run(nbsource.notebook_path(section, track), shared_cpu=False, timeout=1800)
    result = {'lesson': 0.0, 'solutions': 0.0}
    for cell in nb.cells:
        part = 'solutions' if nbsource.is_solution(cell) else 'lesson'
        result[part] += nbsource.cell_seconds(cell)
        text = ''.join(o.get('text', '') for o in cell.get('outputs', []))
        if 'speed' not in result and (m := SPEED.search(text)):
            result['speed'] = float(m.group(1))
            result['train'] = nbsource.cell_seconds(cell)
    if quality:
        result['quality'] = float(contract.evaluate(quality, contract.measures(nb)))
    return result


def run_baseline(script, track):
    """Speed and wall time of one run of a section's baseline script."""
    out = subprocess.run([sys.executable, str(nbsource.SOURCES / script), track],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r'([\d.]+) examples/sec, ([\d.]+) s, (.+)', out)
    return {'speed': float(m.group(1)), 'train': float(m.group(2)), 'code': m.group(3)}


def summary(values, fmt):
    values = sorted(v for v in values if v == v)
    if not values:
        return '-'
    med = fmt.format(statistics.median(values))
    if len(values) == 1:
        return med
    return f'{med} ({fmt.format(values[0])}-{fmt.format(values[-1])})'


RESULTS = nbsource.ROOT / 'results' / 'bench'


def load(section, folder=None):
    """The bench data of a section (None if it was never benchmarked)."""
    path = Path(folder or RESULTS) / f'{section}.json'
    return json.loads(path.read_text()) if path.exists() else None


def save(section, data, folder=None):
    path = Path(folder or RESULTS) / f'{section}.json'
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix('.json.tmp')
    tmp.write_text(json.dumps(data, indent=1) + '\n')
    tmp.replace(path)
    return path


def table(section, data):
    """The Markdown table of a section's bench data, with its notes."""
    if data is None:
        return f'`{section}`: not benchmarked yet (python -m tools.bench {section})'
    terms = contract.load(section)
    book = terms.bench.get('book')
    head = ['framework', 'examples/sec', 'train (s)', 'quality', 'lesson (s)', 'solutions (s)']
    if book:
        head[2:2] = ['baseline', 'book', 'speed-up (goal)']
        head[-3:-3] = ['baseline (s)', 'book (s)']
    # A section whose lesson prints no speed (no "examples/sec") has none.
    timed = all('speed' in r for measured in data['tracks'].values() for r in measured['runs'])
    rows, speeds, lessons = [], [], []
    for track, measured in data['tracks'].items():
        runs = measured['runs']
        row = [FRAMEWORK[track], summary([r.get('speed', NAN) for r in runs], '{:.0f}'),
               summary([r.get('train', NAN) for r in runs], '{:.1f}'),
               summary([r.get('quality', NAN) for r in runs], '{:.3f}'),
               summary([r['lesson'] for r in runs], '{:.0f}'),
               summary([r['solutions'] for r in runs], '{:.0f}')]
        speed = statistics.median(r['speed'] for r in runs) if timed else NAN
        if book:
            book_speed, book_time, goal = book[track]
            base = measured['baseline']
            base_speed = statistics.median(b['speed'] for b in base)
            row[2:2] = [summary([b['speed'] for b in base], '{:.0f}'), f'{book_speed}',
                        f'{speed / base_speed:.1f}x / {speed / book_speed:.1f}x (>= {goal}x)']
            row[-3:-3] = [summary([b['train'] for b in base], '{:.1f}'), f'{book_time}']
        rows.append(row)
        speeds.append(speed)
        lessons.append(max(r['lesson'] for r in runs))
    notes = [f'`{section}`: median of {data["repeat"]} run{"s" * (data["repeat"] > 1)} '
             f'(range), {data["cpu"]}, {data["date"]}.']
    if timed:
        notes.append(f'Fastest / slowest framework: {max(speeds) / min(speeds):.1f}x.')
    if book:
        notes.append('Speed-up: median speed over the median of the baseline measured in the '
                     'same session / over the book\'s figure. Baseline: ' + '; '.join(
                         f'{FRAMEWORK[t]}: {m["baseline"][0]["code"]}'
                         for t, m in data['tracks'].items()) + '.')
    if timed:
        notes.append('Speeds are of the last epoch; times are of all epochs, drawing included.')
    if terms.budget:
        cap, aim = terms.budget['most'], terms.budget['aim']
        notes.append(f'Lesson budget: at most {cap} s per track, aim {aim} s; slowest run '
                     f'{max(lessons):.0f} s: ' + ('kept' if max(lessons) <= cap else 'NOT kept')
                     + (', aim met.' if max(lessons) <= aim else ', aim not met.'))
    header = '| ' + ' | '.join(head) + ' |\n' + '|---' * len(head) + '|\n'
    return (header + '\n'.join('| ' + ' | '.join(r) + ' |' for r in rows) + '\n\n'
            + '\n'.join(notes))


def main(argv=None):
    ap = argparse.ArgumentParser(description='Benchmark the training runs of the notebooks.')
    ap.add_argument('sections', nargs='*', help='default: all sections')
    ap.add_argument('--repeat', type=int, default=3)
    args = ap.parse_args(argv)
    for section in nbsource.sections(args.sections):
        terms = contract.load(section)
        baseline = terms.bench.get('baseline') if terms.bench.get('book') else None
        data = {'section': section, 'cpu': nbcompare.cpu_name(), 'repeat': args.repeat,
                'date': datetime.date.today().isoformat(), 'tracks': {}}
        for track in nbsource.TRACKS:
            runs = [run_once(section, track, terms.bench.get('quality'))
                    for _ in range(args.repeat)]
            data['tracks'][track] = {'runs': runs}
            if baseline:
                data['tracks'][track]['baseline'] = [run_baseline(baseline, track)
                                                     for _ in range(args.repeat)]
            print(f'  ran {track} {args.repeat}x' + (' and its baseline' if baseline else ''),
                  file=sys.stderr)
        path = save(section, data)
        print(f'\n{table(section, data)}\n\n(written to {nbsource.shown(path)})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
