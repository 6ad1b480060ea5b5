"""How much a section's results vary with the seed and the CPU's code paths.

A GAN's final numbers depend on every bit of its arithmetic, so another
seed or another CPU gives other numbers. This runs a section's notebooks
with several seeds (the `reproducible(seed=0)` call edited), on this
machine's code paths and on nbcompare.FOREIGN_NUMERICS, and prints the
learning measures of each run, their range, and whether every run met the
section's thresholds. The "how much the results vary" figures of
docs/results.md come from here:

    python tools/variation.py SECTION --seeds 0 1 2 3 4 5 6 7
    python tools/variation.py SECTION --tracks pytorch --seeds 0 1 2
"""
import argparse
import json
import re
import sys
from concurrent.futures import ProcessPoolExecutor

import contract
import nbcompare
import nbsource


def flat(measures, prefix=''):
    """{'fit': {'model': {'mean error': 0.1}}} -> {'fit model mean error': 0.1}:
    the numbers only."""
    out = {}
    for key, value in measures.items():
        if isinstance(value, dict):
            out.update(flat(value, f'{prefix}{key} '))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[prefix + key] = value
    return out


def one_run(section, track, seed, numerics):
    env = nbcompare.FOREIGN_NUMERICS if numerics == 'foreign' else {}

    def edit(source):
        return re.sub(r'reproducible\(seed=\d+', f'reproducible(seed={seed}', source)

    nb, = nbcompare.execute(nbsource.notebook_path(section, track), 'python3',
                            env=env, edit=edit)
    return flat(contract.measures(nb)), nbcompare.learning_problems(section, nb)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('section', choices=nbsource.sections())
    ap.add_argument('--tracks', nargs='+', default=list(nbsource.TRACKS))
    ap.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2, 3])
    ap.add_argument('--numerics', nargs='+', default=['native', 'foreign'],
                    choices=['native', 'foreign'])
    ap.add_argument('--jobs', type=int, default=2, help='notebooks run at once')
    args = ap.parse_args(argv)
    jobs = [(args.section, t, s, n) for t in args.tracks for n in args.numerics
            for s in args.seeds]
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(one_run, *zip(*jobs)))
    summary = {}
    for (_, track, seed, numerics), (measures, problems) in zip(jobs, results):
        print(json.dumps({'track': track, 'seed': seed, 'numerics': numerics,
                          **measures, 'problems': problems}))
        for key, value in measures.items():
            summary.setdefault((track, key), []).append(value)
        summary.setdefault((track, 'runs that met every threshold'), []).append(
            0 if problems else 1)
    print()
    for (track, key), values in summary.items():
        values = sorted(values)
        if key == 'runs that met every threshold':
            print(f'{track:11s} {key}: {sum(values)} of {len(values)}')
        else:
            print(f'{track:11s} {key:28s} median {values[len(values) // 2]:.3f}, '
                  f'range {values[0]:.3f} - {values[-1]:.3f} ({len(values)} runs)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
