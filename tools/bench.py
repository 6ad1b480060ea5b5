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

Each notebook runs --repeat times; the table shows the median and the range.
A section whose contract names a `baseline` (a script beside its source:
the same training with the book's library choices) has it run as often, in
the same session. The speed of a shared virtual machine drifts over an
hour, so only a baseline measured beside the notebooks gives a fair ratio.
The book's own figures (`book` in the contract: its code on the d2l 1.0.3
library, on a 2-core machine like the course's reference machine) are shown
too.
"""
import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contract  # noqa: E402
import nbsource  # noqa: E402

FRAMEWORK = nbsource.LABELS
SPEED = re.compile(r'(\d+(?:\.\d+)?) examples/sec')


def run_once(section, track, quality=None):
    """One Run All: speed and time of the training cell (the first that
    prints a speed), lesson and solution times, and the `quality` measure."""
    nb = nbsource.run_notebook(nbsource.notebook_path(section, track), timeout=1800,
                               record_timing=True)
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


def print_table(head, rows):
    """Print a Markdown table with aligned columns."""
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    for n, r in enumerate([head] + rows):
        print('| ' + ' | '.join(s.ljust(w) for s, w in zip(r, widths)) + ' |')
        if n == 0:
            print('|' + '|'.join('-' * (w + 2) for w in widths) + '|')


def main(argv=None):
    ap = argparse.ArgumentParser(description='Benchmark the training runs of the notebooks.')
    ap.add_argument('sections', nargs='*', help='default: all sections')
    ap.add_argument('--repeat', type=int, default=3)
    args = ap.parse_args(argv)
    sections = nbsource.sections(args.sections)
    for section in sections:
        print(f'\n## {section}: median of {args.repeat} runs (range)\n')
        terms = contract.load(section)
        book = terms.bench.get('book')  # sections the book's figures exist for get a baseline
        baseline = terms.bench.get('baseline')
        head = ['framework', 'examples/sec', 'train (s)', 'quality', 'lesson (s)',
                'solutions (s)']
        if book:
            head[2:2] = ['baseline', 'book', 'speed-up (goal)']
            head[-3:-3] = ['baseline (s)', 'book (s)']
        rows, baseline_code, lessons = [], {}, []
        for track in nbsource.TRACKS:
            runs = [run_once(section, track, terms.bench.get('quality'))
                    for _ in range(args.repeat)]
            row = [FRAMEWORK[track], summary([r['speed'] for r in runs], '{:.0f}'),
                   summary([r['train'] for r in runs], '{:.1f}'),
                   summary([r.get('quality', float('nan')) for r in runs], '{:.3f}'),
                   summary([r['lesson'] for r in runs], '{:.0f}'),
                   summary([r['solutions'] for r in runs], '{:.0f}')]
            if book:
                book_speed, book_time, goal = book[track]
                base = [run_baseline(baseline, track) for _ in range(args.repeat)]
                baseline_code[FRAMEWORK[track]] = base[0]['code']
                speed = statistics.median(r['speed'] for r in runs)
                base_speed = statistics.median(b['speed'] for b in base)
                row[2:2] = [summary([b['speed'] for b in base], '{:.0f}'), f'{book_speed}',
                            f'{speed / base_speed:.1f}x / {speed / book_speed:.1f}x '
                            f'(>= {goal}x)']
                row[-3:-3] = [summary([b['train'] for b in base], '{:.1f}'), f'{book_time}']
            rows.append(row)
            lessons.append(max(r['lesson'] for r in runs))
            print(f'  ran {track} {args.repeat}x' + (' and its baseline' if book else ''),
                  file=sys.stderr)
        print_table(head, rows)
        speeds = [float(r[1].split()[0]) for r in rows]
        print(f'\nfastest / slowest framework: {max(speeds) / min(speeds):.1f}x')
        if book:
            print('speed-up: median speed over the median of the baseline measured now / '
                  'over the book\'s figure.')
            print('baseline: ' + '; '.join(f'{k}: {v}' for k, v in baseline_code.items()) + '.')
        print('Speeds are of the last epoch; times are of all epochs, drawing included.')
        if terms.budget:
            cap, aim = terms.budget['most'], terms.budget['aim']
            print(f'Lesson budget: at most {cap} s per track, aim {aim} s; slowest run '
                  f'{max(lessons):.0f} s: ' + ('kept' if max(lessons) <= cap else 'NOT kept')
                  + (', aim met.' if max(lessons) <= aim else ', aim not met.'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
