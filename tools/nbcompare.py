"""How a fresh run of a notebook is checked against its committed outputs.

This module is the course's one statement of what "the notebook still does
what it did" means. The committed outputs were produced on one machine; a
fresh run on another CPU adds up floating-point numbers in another order
(other matrix kernels, other blocking sizes), and GAN training amplifies a
difference in the last bit into different losses, distances and figures.
So each kind of output is compared in the strictest form that survives a
change of CPU:

* Text (printed lines, text results, HTML) is compared line by line. A line
  without a decimal number (shapes, messages, settings, table headers) must
  be identical. In a line that holds a decimal number, every number is
  replaced by its format (``0.693`` -> ``#.###``, ``8%`` -> ``#%``):
  numbers computed in floating point are printed with decimals, and
  integers on the same line come from the same computation (digits found,
  a percentage). Spacing is not compared in any line: tables align their
  columns to their widest number, which changes with a minus sign. Words,
  labels, punctuation and the number of lines and of numbers must match.
  Training speed and memory addresses are masked everywhere (they differ
  between two runs on one machine).
* Figures (matplotlib SVG) are compared by structure: the number of axes;
  for each axes its labels and title, its legend's entries, the number of
  lines and the points of each, the number of point clouds and the points
  of each, and the number of images. Tick labels are not compared (axes
  scale themselves to the data), nor are coordinates or pixels.
* Every output must be there, in the same order, with the same kinds of
  data (MIME types); a fresh run may not print errors or anything on stderr.

What the numbers *mean* is checked separately, on the fresh run's outputs:
`LEARNING` lists, per section, the measures read from a notebook and the
thresholds they must meet (the GAN learned the Gaussian, the DCGAN writes
digits, ...). Within one machine and one kernel, a second Run All must print
exactly what the first did (`exact`, used by the test suite).

`FOREIGN_NUMERICS` switches every framework's numerical code paths away from
the ones this machine uses by default, to simulate another CPU: one with
AVX2 but without AVX-512, the commonest difference between two x86 hosts.
On such a CPU PyTorch's kernels and MKL take their AVX2 paths, oneDNN stops
at AVX2, TensorFlow leaves its oneDNN operations off (it turns them on only
for CPUs with AVX-512 neural-network instructions) and OpenBLAS uses its
Haswell kernels. (An earlier version forced the plain C paths, with
``ATEN_CPU_CAPABILITY=default`` and ``MKL_CBWR=COMPATIBLE``: no current CPU
computes that way, and it made PyTorch 2.4 times slower, 9.5 s against
3.9 s for 200 steps of the MLP GAN.)
"""
import copy
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat

# Masked everywhere: these differ between two runs on one machine.
VOLATILE = [
    (re.compile(r'\d+(\.\d+)? examples/sec'), 'N examples/sec'),  # training speed
    (re.compile(r'\b0x[0-9a-fA-F]+'), '0xADDRESS'),               # memory addresses
    (re.compile(r'\b\d+(\.\d+)? s\b'), 'N s'),                       # training times
]
NUMBER = re.compile(r'[-+−]?(\d+\.(\d+)(e[-+]?\d+)?|\d+%|\d+)')
DECIMAL = re.compile(r'\d\.\d')

# Environment of a kernel that computes as a CPU with AVX2 but without
# AVX-512 would (see the module's docstring): PyTorch's and MKL's AVX2
# paths, TensorFlow without oneDNN, oneDNN (MXNet) capped at AVX2,
# OpenBLAS's Haswell kernels.
FOREIGN_NUMERICS = {
    'ATEN_CPU_CAPABILITY': 'avx2',
    'TF_ENABLE_ONEDNN_OPTS': '0',
    'ONEDNN_MAX_CPU_ISA': 'AVX2',
    'DNNL_MAX_CPU_ISA': 'AVX2',
    'MKL_CBWR': 'AVX2',
    'OPENBLAS_CORETYPE': 'Haswell',
}


def simulates_another_cpu(cpuinfo='/proc/cpuinfo'):
    """Whether FOREIGN_NUMERICS changes this machine's code paths. They cap
    every library at AVX2, so they do only on a CPU with AVX-512; on one
    without, they name the paths it takes anyway: on an AMD EPYC (Zen 3,
    AVX2), the foreign runs of `gan` in all three tracks and of `dcgan` in
    MXNet and PyTorch printed and drew exactly what the native runs did.
    Where the CPU's flags cannot be read (not Linux), assume they do."""
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        return True
    flags = next((line.split(':', 1)[1].split() for line in text.splitlines()
                  if line.startswith('flags')), None)
    return flags is None or 'avx512f' in flags


# Kernels started here may share the CPU with another notebook (the test
# suite runs one per core), so each gets one thread: PyTorch and TensorFlow
# through D2LGAN_THREADS (d2lgan's `reproducible`), MXNet, MKL and OpenBLAS
# through their own variables. Two notebooks with two threads each on two
# cores wait on each other: in a full test run the DCGAN notebook took 136 s
# in PyTorch, against 56 s alone, and 98 s with one thread per kernel. One
# thread splits the work differently, so the numbers change in the last
# digits, as on another CPU; the test compares them as tolerantly. Idle
# OpenMP threads sleep instead of spinning (two DCGAN notebooks with two
# spinning threads each once took 92 s side by side, against 27 s with
# sleeping ones).
SHARED_CPU = {'OMP_WAIT_POLICY': 'PASSIVE', 'D2LGAN_THREADS': '1', 'OMP_NUM_THREADS': '1',
              'MKL_NUM_THREADS': '1', 'OPENBLAS_NUM_THREADS': '1'}


# ------------------------------------------------------------------- text
def mask_volatile(text):
    for regex, replace in VOLATILE:
        text = regex.sub(replace, text)
    return text


def _number_format(m):
    if m.group(2) is not None:  # a decimal: keep how many decimals, and an exponent
        return '#.' + '#' * len(m.group(2)) + ('e#' if m.group(3) else '')
    return '#%' if m.group(0).endswith('%') else '#'


def text_form(text):
    """The comparable form of printed text: one entry per line."""
    lines = []
    for line in mask_volatile(text).splitlines():
        if DECIMAL.search(line):
            line = NUMBER.sub(_number_format, line)
        line = re.sub(r'\s*([\[\](),])\s*', r'\1', ' '.join(line.split()))
        lines.append(line)
    return lines


# ---------------------------------------------------------------- figures
def _tag_is(element, *names):
    return isinstance(element.tag, str) and element.tag.endswith(tuple('}' + n for n in names))


def _comments(element):
    return [c.text.strip() for c in element.iter(ET.Comment)]


def _group_id(element):
    is_group = isinstance(element.tag, str) and element.tag.endswith('}g')
    return element.get('id', '') if is_group else ''


def _groups(element, prefix, skip=()):
    """The groups below `element` whose id starts with `prefix`, without
    looking inside them or inside groups whose id starts with one of `skip`."""
    for child in element:
        gid = _group_id(child)
        if gid.startswith(prefix):
            yield child
        elif not (skip and gid.startswith(skip)):
            yield from _groups(child, prefix, skip)


def _vertices(path_d):
    return len(re.findall(r'[-\d.e]+\s+[-\d.e]+', path_d or ''))


def figure_structure(svg):
    """What a matplotlib SVG figure shows, without its coordinates.

    One entry per axes: its axis labels, its titles (and other texts), its
    legend's entries, the number of points of each line and of each point
    cloud, and its number of images."""
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.fromstring(svg.encode(), parser=parser)
    not_data = ('matplotlib.axis_', 'legend_')
    axes = []
    for ax in _groups(root, 'axes_'):
        labels = [c for axis in _groups(ax, 'matplotlib.axis_')
                  for t in _groups(axis, 'text_', skip=('xtick_', 'ytick_'))
                  for c in _comments(t)]
        axes.append({
            'labels': labels,
            'titles': [c for t in _groups(ax, 'text_', not_data) for c in _comments(t)],
            'legend': [c for g in _groups(ax, 'legend_') for c in _comments(g)],
            'lines': [sum(_vertices(p.get('d')) for p in line.iter() if _tag_is(p, 'path'))
                      for line in _groups(ax, 'line2d_', not_data)],
            'clouds': [sum(1 for u in c.iter() if _tag_is(u, 'use'))
                       for c in _groups(ax, 'PathCollection_', not_data)],
            'images': sum(1 for e in ax.iter() if _tag_is(e, 'image')),
        })
    return axes


# ---------------------------------------------------------------- outputs
def output_form(output):
    """The comparable form of one output of a code cell."""
    kind = output['output_type']
    if kind == 'stream':
        return ('stream', output['name'], text_form(output['text']))
    if kind == 'error':
        return ('error', output['ename'], output['evalue'])
    data = {}
    for mime, value in output.get('data', {}).items():
        if mime == 'image/svg+xml':
            data[mime] = figure_structure(value)
        elif mime.startswith('text/'):
            data[mime] = text_form(value)
        else:  # pixels (PNG, JPEG): their presence, not their bits
            data[mime] = 'present'
    return ('display', data)


def _merged(outputs):
    """Outputs with consecutive writes to one stream joined, as a notebook
    stores them after a clean run."""
    merged = []
    for out in outputs:
        if (out['output_type'] == 'stream' and merged
                and merged[-1]['output_type'] == 'stream'
                and merged[-1]['name'] == out['name']):
            merged[-1] = dict(merged[-1], text=merged[-1]['text'] + out['text'])
        else:
            merged.append(out)
    return merged


def cell_forms(nb):
    """For each code cell, the comparable forms of its outputs."""
    return [[output_form(o) for o in _merged(c.get('outputs', []))]
            for c in nb.cells if c.cell_type == 'code']


def _describe(form):
    return repr(form) if len(repr(form)) < 400 else repr(form)[:400] + '...'


def compare(committed, fresh):
    """Differences between a committed notebook and a fresh run, under the
    policy above: a list of messages naming the code cell (counted from 1)."""
    problems = []
    old, new = cell_forms(committed), cell_forms(fresh)
    if len(old) != len(new):
        return [f'{len(old)} code cells committed, {len(new)} run']
    for i, (a, b) in enumerate(zip(old, new), 1):
        if a == b:
            continue
        if len(a) != len(b):
            problems.append(f'code cell {i}: {len(a)} outputs committed, {len(b)} in the '
                            f'fresh run: {_describe([f[0:2] for f in b])}')
            continue
        for j, (x, y) in enumerate(zip(a, b), 1):
            if x != y:
                problems.append(f'code cell {i}, output {j}: committed {_describe(x)}, '
                                f'fresh {_describe(y)}')
    return problems


def exact(first, second):
    """Differences between two runs in one kernel: every output, figures
    included, must be identical except for VOLATILE values."""
    def form(nb):
        return [[(o['output_type'], mask_volatile(o.get('text', '')),
                  {k: mask_volatile(v) for k, v in o.get('data', {}).items()
                   if k != 'image/png'}) for o in _merged(c.outputs)]
                for c in nb.cells if c.cell_type == 'code']
    return [f'code cell {i}: the second run shows something else'
            for i, (a, b) in enumerate(zip(form(first), form(second)), 1) if a != b]


def run_problems(nb):
    """Errors, stderr and empty outputs (blank areas in JupyterLab) in an
    executed notebook."""
    problems = []
    for i, cell in enumerate((c for c in nb.cells if c.cell_type == 'code'), 1):
        # Streams joined as a saved notebook holds them: the kernel may split
        # one print into several messages, one of them empty.
        for out in _merged(cell.get('outputs', [])):
            if out['output_type'] == 'error':
                problems.append(f'code cell {i}: {out["ename"]}: {out["evalue"]}')
            elif out.get('name') == 'stderr':
                problems.append(f'code cell {i} printed to stderr: {out["text"][:300]!r}')
            elif not ''.join(out.get('text', '')).strip() and not any(
                    ''.join(v).strip() if isinstance(v, (str, list)) else v
                    for v in out.get('data', {}).values()):
                problems.append(f'code cell {i} has an empty {out["output_type"]} output')
    return problems


# ----------------------------------------------------- what must be learned
def printed(nb, pattern):
    """The first match of `pattern` in a notebook's printed text."""
    for cell in nb.cells:
        for out in cell.get('outputs', []):
            m = re.search(pattern, out.get('text', ''), re.MULTILINE)
            if m:
                return m
    raise LookupError(f'no output matches {pattern!r}')


def gan_measures(nb):
    distance = r'^{}\s.*\s(\d+\.\d+)$'
    return {name: float(printed(nb, distance.format(name)).group(1))
            for name in ('real_data', 'trained_G', 'untrained_G')}


def gan_learned(m):
    """The trained generator removed most of the untrained one's distance to
    the target Gaussian, and the yardstick works (the real sample is close).

    Over 36 runs (6 seeds, native and foreign numerics, 3 tracks; see
    tools/variation.py) the trained distance was 3% to 22% of the untrained
    one, so 30% leaves a margin. A generator that learned the mean but not
    the spread is at 72%."""
    problems = []
    if m['untrained_G'] <= 2.5:
        problems.append('the untrained generator should be far from the target (> 2.5)')
    if m['trained_G'] >= 0.3 * m['untrained_G']:
        problems.append("the trained generator should be within 30% of the untrained "
                        "generator's distance")
    if m['real_data'] >= 0.1 * m['untrained_G']:
        problems.append('the real sample should be within 10% of the untrained '
                        "generator's distance")
    return problems


def dcgan_measures(nb):
    row = r'^{}\s+(\d+\.\d+)\s+(\d+)\s+(\d+\.\d+)$'
    out = {}
    for name in ('held_out', 'trained_G', 'untrained_G'):
        m = printed(nb, row.format(name))
        out[name] = {'inception score': float(m.group(1)), 'digits found': int(m.group(2)),
                     'frechet distance': float(m.group(3))}
    return out


def dcgan_learned(m):
    """All ten digits appear; by the Inception score the generator gets most
    of the way from the untrained generator to held-out real digits; its
    Frechet distance is a fraction of the untrained generator's."""
    real, trained, untrained = m['held_out'], m['trained_G'], m['untrained_G']
    problems = []
    if trained['digits found'] != 10:
        problems.append(f"all ten digits should appear, found {trained['digits found']}")
    if trained['inception score'] < 0.6 * real['inception score']:
        problems.append('the Inception score should be at least 60% of the held-out '
                        "digits'")
    if trained['frechet distance'] > 0.3 * untrained['frechet distance']:
        problems.append("the Frechet distance should be at most 30% of the untrained "
                        "generator's")
    if untrained['inception score'] >= 1.5:
        problems.append('the untrained generator should score below 1.5')
    return problems


RUNS = ('lr_D = lr_G', 'lr_D = 10 lr_G', 'lr_D = lr_G / 10')
PRETRAINING = ('reference', 'D pretrained')  # their first four epochs
RING_RUNS = ('plain', 'batch std')


def practice_measures(nb):
    out = dcgan_measures(nb)
    out['gradient ratio'] = float(printed(nb, r'gradient is (\d+) times the other').group(1))
    for name in RUNS:
        m = printed(nb, r'^{}\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)$'.format(
            re.escape(name)))
        out[name] = {'accuracy': float(m.group(1)), 'gradient': float(m.group(2)),
                     'score': float(m.group(3))}
    for name in PRETRAINING:  # four gradients, their mean, the score after four epochs
        m = printed(nb, r'^{}(?:\s+\d+\.\d+){{4}}\s+(\d+\.\d+)\s+(\d+\.\d+)$'.format(
            re.escape(name)))
        out['pretraining ' + name] = {'gradient': float(m.group(1)),
                                      'score': float(m.group(2))}
    for name in RING_RUNS:  # the mode-collapse experiment: means over three seeds
        m = printed(nb, r'^{} mean\s+(\d+\.\d)\s+(\d+\.\d)%$'.format(re.escape(name)))
        out[name] = {'modes': float(m.group(1)), 'quality': float(m.group(2)) / 100}
    return out


def practice_learned(m):
    """The fully connected GAN learned digits, and each experiment's headline
    claim holds: the non-saturating gradient outgrows the saturating one
    against a winning discriminator; equal learning rates score best; a slow
    discriminator is fooled (accuracy on generated images near 0) and gives
    the smallest gradient, a fast one the largest; a pretrained
    discriminator gives larger gradients over the first four epochs but no
    clearly different score; a GAN whose generator outruns its discriminator
    collapses on the ring of Gaussians, and the minibatch standard deviation
    covers more modes with more high-quality points. Over 12 runs (2 seeds,
    native and foreign numerics, 3 tracks; docs/results.md) the trained generator
    scored 3.05-4.97 and found 8-10 digits at 29-38% of the untrained
    distance; the gradient ratio was 50-71; equal rates scored 1.85-3.08,
    the others at most 1.76; the slow discriminator's accuracy was at most
    0.17; the gradients were 0.41-0.65, 2.19-3.01 and 4.41-16.0; pretraining
    multiplied the mean gradient of the first four epochs by 1.34-1.60 and
    moved the score after them by -0.39 to +0.48.
    On the ring (18 runs of three seeds: seeds 0-8, 3 tracks, native and
    foreign numerics; and the 12 above) the plain GAN covered 0.1-1.2 modes
    on average, with 0.4-4.1% high-quality points; with the minibatch
    standard deviation 3.2-4.6 modes, 10-19% high quality."""
    real, trained, untrained = m['held_out'], m['trained_G'], m['untrained_G']
    same, fast, slow = (m[name] for name in RUNS)
    reference, pre = (m['pretraining ' + name] for name in PRETRAINING)
    plain, batch_std = (m[name] for name in RING_RUNS)
    checks = [
        (trained['digits found'] >= 5, 'at least 5 digits should appear'),
        (trained['inception score'] >= 0.28 * real['inception score'],
         "the Inception score should be at least 28% of the held-out digits'"),
        (trained['frechet distance'] <= 0.5 * untrained['frechet distance'],
         "the Frechet distance should be at most half the untrained generator's"),
        (untrained['inception score'] < 1.5, 'the untrained generator should score below 1.5'),
        (m['gradient ratio'] >= 10, 'the non-saturating gradient should be at least 10 '
                                    'times the saturating one'),
        (same['score'] > max(fast['score'], slow['score']),
         'equal learning rates should score best'),
        (slow['accuracy'] < 0.3, 'the slow discriminator should be fooled (accuracy < 0.3)'),
        (slow['gradient'] < same['gradient'] < fast['gradient'],
         'the gradient should grow with the discriminator\'s learning rate'),
        (pre['gradient'] >= 1.1 * reference['gradient'],
         'pretraining should give the generator larger gradients at first (at least 1.1 times)'),
        (abs(pre['score'] - reference['score']) < 1.0,
         'pretraining should make no clear difference to the score (within 1.0)'),
        (plain['modes'] <= 1.5, 'on the ring, the plain GAN should collapse '
                                '(at most 1.5 modes covered on average)'),
        (batch_std['modes'] >= plain['modes'] + 1.5,
         'the minibatch standard deviation should cover at least 1.5 more modes'),
        (batch_std['quality'] > plain['quality'],
         'the minibatch standard deviation should give more high-quality points'),
    ]
    return [message for ok, message in checks if not ok]


def vae_measures(nb):
    row = r'^{}\s+(\d+\.\d+)\s+(\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)%'
    out = {}
    for name in ('held_out', 'standard_normal', 'rectangle', 'vae_prior', 'vae_2d', 'vae',
                 'gan', 'untrained'):
        m = printed(nb, row.format(name))
        out[name] = {'inception score': float(m.group(1)), 'digits found': int(m.group(2)),
                     'frechet distance': float(m.group(3)),
                     'gray pixels': float(m.group(4)) / 100}
    m = printed(nb, r'per held-out digit: trained (\d+\.\d+), untrained (\d+\.\d+)')
    out['reconstruction'] = {'trained': float(m.group(1)), 'untrained': float(m.group(2))}
    m = printed(nb, r'negative ELBO per held-out digit: 2-D codes (\d+\.\d+), '
                    r'16-D codes (\d+\.\d+)')
    out['negative elbo'] = {'2-D': float(m.group(1)), '16-D': float(m.group(2))}
    return out


def vae_learned(m):
    """The autoencoder reconstructs; its decoder is no generator from the
    standard normal, the 2-D VAE's is; codes from the rectangle the
    autoencoder's codes span decode sharper than the VAE's prior samples;
    the 16-D VAE and the GAN make digits; the GAN's are sharper and the
    VAE's closer to real digits by the Frechet distance; 16 numbers bound the
    likelihood better than 2. Over 9 runs (3 tracks; seeds 0 and 1, and seed
    0 on foreign numerics): reconstruction 163.7-165.3 trained, 543.4-543.8
    untrained; Inception score of the 2-D VAE 3.17-4.22 against 1.70-2.48 for
    the autoencoder's normal codes, distances 7.70-8.30 against 11.56-12.40;
    gray pixels of the rectangle's codes 20.5-22.4% against the VAE's
    32.6-34.4%; 16-D VAE and GAN: Inception scores 5.46-5.72 and 5.42-5.93
    (held-out 8.84), ten digits, distances 3.83-4.22 and 4.89-5.33
    (untrained 23); the GAN had 2.7 points fewer gray pixels at least, the
    VAE a distance at least 1.02 lower; negative ELBO 124.3-124.8 (16-D)
    against 171.5-174.8 (2-D)."""
    real, normal, rectangle = m['held_out'], m['standard_normal'], m['rectangle']
    prior, vae_2d, vae, gan, untrained = (m[k] for k in ('vae_prior', 'vae_2d', 'vae', 'gan',
                                                         'untrained'))
    rec, elbo = m['reconstruction'], m['negative elbo']
    checks = [
        (rec['trained'] <= 0.4 * rec['untrained'],
         "the autoencoder's reconstruction loss should be at most 40% of an untrained one's"),
        (prior['inception score'] >= normal['inception score'] + 0.3
         and prior['frechet distance'] <= normal['frechet distance'] - 2,
         "the 2-D VAE's prior samples should score better than the autoencoder's "
         "decoded standard-normal codes (Inception +0.3, distance -2)"),
        (rectangle['gray pixels'] < prior['gray pixels'],
         "the autoencoder's rectangle codes should decode sharper than the VAE's samples"),
        (vae['inception score'] >= 0.5 * real['inception score'] and vae['digits found'] >= 9
         and vae['frechet distance'] <= 0.25 * untrained['frechet distance'],
         'the 16-D VAE should make digits (Inception >= 50% of held-out, 9+ digits, '
         "distance <= 25% of the untrained decoder's)"),
        (vae['frechet distance'] <= 0.7 * vae_2d['frechet distance'],
         "the 16-D VAE's distance should be at most 70% of the 2-D VAE's"),
        (gan['inception score'] >= 0.5 * real['inception score'] and gan['digits found'] >= 9
         and gan['frechet distance'] <= 0.3 * untrained['frechet distance'],
         'the GAN should make digits (Inception >= 50% of held-out, 9+ digits, '
         "distance <= 30% of the untrained generator's)"),
        (gan['gray pixels'] < vae['gray pixels'],
         "the GAN's digits should be sharper (fewer gray pixels) than the VAE's"),
        (vae['frechet distance'] < gan['frechet distance'],
         "the VAE's digits should be closer to real ones by the Frechet distance"),
        (untrained['inception score'] < 1.5, 'the untrained decoder should score below 1.5'),
        (elbo['16-D'] < elbo['2-D'] - 30,
         'the 16-D VAE should bound the likelihood better than the 2-D one (by 30 nats)'),
    ]
    return [message for ok, message in checks if not ok]


# section -> (read the measures from a notebook, the problems with them)
LEARNING = {
    'gan': (gan_measures, gan_learned),
    'dcgan': (dcgan_measures, dcgan_learned),
    'gan-practice': (practice_measures, practice_learned),
    'vae': (vae_measures, vae_learned),
}


def learning_problems(section, nb):
    """What a section's notebook failed to learn: [] if it met every threshold."""
    if section not in LEARNING:
        return []
    measure, judge = LEARNING[section]
    try:
        measures = measure(nb)
    except LookupError as e:
        return [str(e)]
    return [f'{p} ({measures})' for p in judge(measures)]


# -------------------------------------------------------------- execution
def execute(path, kernel_name, runs=1, env=None, timeout=1200, edit=None, shared_cpu=True):
    """Run a notebook top to bottom `runs` times in one fresh kernel (Run
    All, then Run All again, ...), in the notebook's folder; return one
    executed copy per run. `env` is added to the kernel's environment;
    `edit(source) -> source` may change each code cell first; `shared_cpu`
    sets SHARED_CPU (for kernels that run side by side; a kernel alone runs
    faster without it, with all the threads its notebook asks for)."""
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == 'code':
            cell.outputs, cell.execution_count = [], None
            if edit:
                cell.source = edit(cell.source)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name,
                            resources={'metadata': {'path': str(Path(path).parent)}})
    results = []
    kernel_env = dict(os.environ, **(SHARED_CPU if shared_cpu else {}), **(env or {}))
    with client.setup_kernel(env=kernel_env):
        for _ in range(runs):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == 'code':
                    cell.outputs = []
                client.execute_cell(cell, index)
            results.append(copy.deepcopy(nb))
    return results
