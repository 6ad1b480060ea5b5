"""How much a section's results vary with the seed and the CPU's code paths.

A GAN's final numbers depend on every bit of its arithmetic, so another
seed or another CPU gives other numbers. This runs a section's notebooks
with several seeds (the `reproducible(seed=0)` call edited), on this
machine's code paths and on nbcompare.FOREIGN_NUMERICS, and writes the
measures each run reported, and the claims it broke, to
results/variation/<section>.json: a run replaces the one of the same track,
seed, code paths and CPU there, and runs on other CPUs are kept. The docs'
tables of how much the results vary, the claims' measured ranges and the
test that every threshold keeps a margin (contract.MARGIN) read that file.

    python -m tools.variation SECTION --seeds 0 1 2 3 4 5 6 7
    python -m tools.variation SECTION --tracks pytorch --seeds 0 1 2
"""
import argparse
import datetime
import json
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tools import contract, nbcompare, nbsource, runner

RESULTS = nbsource.ROOT / 'results' / 'variation'


def path_of(section, folder=None):
    return Path(folder or RESULTS) / f'{section}.json'


def load(section, folder=None):
    """The variation runs of a section: a list of {track, seed, numerics,
    cpu, date, code (nbsource.code_hash of the notebook run), measures,
    problems}; [] if it was never measured."""
    path = path_of(section, folder)
    return json.loads(path.read_text())['runs'] if path.exists() else []


def save(section, runs, folder=None):
    """Merge `runs` into the section's file (a run replaces the one with the
    same track, seed, numerics and cpu), written whole or not at all."""
    def key(run):
        return run['track'], run['seed'], run['numerics'], run['cpu']
    merged = {key(r): r for r in load(section, folder)}
    merged.update((key(r), r) for r in runs)
    order = {t: i for i, t in enumerate(nbsource.TRACKS)}
    ordered = sorted(merged.values(), key=lambda r: (
        r['cpu'], order.get(r['track'], 9), r['numerics'], r['seed']))
    path = path_of(section, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix('.json.tmp')
    tmp.write_text(json.dumps({'section': section, 'runs': ordered}, indent=1) + '\n')
    tmp.replace(path)
    return path


def one_run(section, track, seed, numerics):
    env = nbcompare.FOREIGN_NUMERICS if numerics == 'foreign' else {}

    def edit(source):
        return re.sub(r'reproducible\(seed=\d+', f'reproducible(seed={seed}', source)

    nb, = runner.run(nbsource.notebook_path(section, track), env=env, edit=edit)
    return contract.measures(nb), nbcompare.learning_problems(section, nb)


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
    cpu, today = nbcompare.cpu_name(), datetime.date.today().isoformat()
    runs = [{'track': track, 'seed': seed, 'numerics': numerics, 'cpu': cpu, 'date': today,
             'code': nbsource.code_hash(nbsource.notebook_path(args.section, track)),
             'measures': measures, 'problems': problems}
            for (_, track, seed, numerics), (measures, problems) in zip(jobs, results)]
    path = save(args.section, runs)
    failed = [r for r in runs if r['problems']]
    print(f'{len(runs)} runs written to {nbsource.shown(path)}; '
          f'{len(failed)} broke a claim')
    for run in failed:
        print(f"  {run['track']} seed {run['seed']} {run['numerics']}: "
              + '; '.join(run['problems']))
    print(f'Tables: python -m tools.results variation {args.section}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
