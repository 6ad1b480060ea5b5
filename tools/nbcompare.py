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
* Measures reported as data (tools/contract.py) are compared by their
  names and kinds: the same reports, rows and columns.
* Every output must be there, in the same order, with the same kinds of
  data (MIME types); a fresh run may not print errors or anything on stderr.

What the numbers *mean* is checked separately, on the fresh run's outputs:
the notebooks report their measures as data (`d2l.report`), and each
section's contract, sections/<section>.toml, states the claims they must
meet (tools/contract.py; `learning_problems`). Within one machine and one
kernel, a second Run All must print exactly what the first did (`exact`,
which `nbsource.py execute` asks before it stores a notebook).

`FOREIGN_NUMERICS` switches every framework's numerical code paths away from
the ones this machine uses by default, to simulate another CPU: one with
AVX2 but without AVX-512, the commonest difference between two x86 hosts.
On such a CPU PyTorch's kernels and MKL take their AVX2 paths, oneDNN stops
at AVX2, TensorFlow leaves its oneDNN operations off (it turns them on only
for CPUs with AVX-512 neural-network instructions) and OpenBLAS uses its
Haswell kernels. (Forcing the plain C paths instead, as an earlier version
did, simulates no current CPU and is much slower: docs/testing.md.)
"""
import json
import platform
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from tools import contract

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
    AVX2), the foreign runs of the course's first two sections printed and
    drew exactly what the native runs did (docs/testing.md).
    Where the CPU's flags cannot be read (not Linux), assume they do."""
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        return True
    flags = next((line.split(':', 1)[1].split() for line in text.splitlines()
                  if line.startswith('flags')), None)
    return flags is None or 'avx512f' in flags


def cpu_name(cpuinfo='/proc/cpuinfo'):
    """The CPU's model name, and whether it has AVX-512 (whose code paths
    FOREIGN_NUMERICS leaves), as the data files record it."""
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        return platform.processor() or platform.machine()
    name = next((line.split(':', 1)[1].strip() for line in text.splitlines()
                 if line.startswith('model name')), platform.machine())
    return name + (', AVX-512' if simulates_another_cpu(cpuinfo) else ', no AVX-512')



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
        elif mime == contract.MEASURES_MIME:
            data[mime] = json_form(value)
        else:  # pixels (PNG, JPEG): their presence, not their bits
            data[mime] = 'present'
    return ('display', data)


def json_form(value):
    """The comparable form of reported measures: the same names, nesting
    and kinds of value; numbers by kind only (they differ by machine), and
    strings as text (VOLATILE masked)."""
    if isinstance(value, dict):
        return {k: json_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_form(v) for v in value]
    if isinstance(value, str):
        return mask_volatile(value)
    return type(value).__name__


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
                  {k: mask_volatile(v if isinstance(v, str) else json.dumps(v))
                   for k, v in o.get('data', {}).items() if k != 'image/png'})
                 for o in _merged(c.outputs)]
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
            text = out.get('text', '') or out.get('data', {}).get('text/plain', '')
            m = re.search(pattern, text, re.MULTILINE)
            if m:
                return m
    raise LookupError(f'no output matches {pattern!r}')


def learning_problems(section, nb):
    """What a section's notebook failed to show: the claims of the section's
    contract (sections/<section>.toml) that the measures the notebook
    reported break; [] if it met every one."""
    try:
        measures = contract.measures(nb)
        return contract.problems(contract.load(section), measures)
    except contract.ContractError as e:
        return [str(e)]
