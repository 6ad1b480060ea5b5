"""A section's contract: what a section promises, in sections/<name>.toml.

Beside each section's source sections/<name>.md lies its contract, which
the tools read and which names everything they need to know of the section:

    order = 2                        # its place in the course
    teaches = "fitting a line"       # optional: one line for the README's table
    [budget]                         # optional: seconds of one track's lesson
    most = 90                        #   on the reference machine (make bench)
    aim = 60
    [bench]                          # optional
    quality = "fit.model.error"      # the measure make bench shows
    baseline = "demo.baseline.py"    # the book's way, timed beside the notebooks
    book = {pytorch = [1400, 15, 2]} # the book's figures: speed, seconds, goal
    [switch]                         # optional: a switch to the book's own data
    data = "sprites"                 #   the data hub's entry it downloads
    edits = [["use_sprites = False", "use_sprites = True"]]  # turn it on, shorten
    holds = ["images.shape[1:] == (64, 64, 3)"]   # true at the end of the run
    [[claim]]                        # what every run must show, on any machine
    says = "the model fits better than chance"
    holds = "fit.model.error < 0.5 * fit.chance.error"
    fails_when = {"fit.model.error" = "fit.chance.error"}
    [[quote]]                        # a number the prose quotes from the outputs
    text = "0.11 to 0.13"            #   as the source writes it
    of = "fit.model.error"           #   the measure, in every track's notebook
    format = ".2f"                   #   optional (".2f"); one value, or "lo to hi"

The notebooks hand their measures over as data: `d2l.report(name, rows)`
prints a table for the reader and attaches the same numbers to the output
(MEASURES_MIME), which `measures(nb)` collects from the lesson, {name: {row:
{column: value}}}. A claim's `holds` is a Python expression over those
measures: `fit.model.error` is the column 'error' of the row 'model' of the
report 'fit'. Underscores stand for spaces (`fit.model.mean_error` reads the
column 'mean error'); a name that is no identifier is written as an item,
`runs['lr = 0.1'].error`. Only `min`, `max`, `abs` and `len` are there
besides the measures.

`fails_when` is the claim's counterexample: the measures it sets (each to
an expression over the measures as reported) make this claim, and no other,
fail. The test suite applies it to every committed notebook, so every claim
is shown to be able to fail alone.

A `[[quote]]` ties a number in the prose to the committed outputs: the
measure `of`, formatted, in every track's notebook, must read `text` (the
same in every track), or its lowest and highest values across the tracks
must, as "lo to hi"; and the source must contain `text`.

A `[switch]` is run by the test suite end to end in every track, the lesson
with `edits` applied (each old text must be there), on a stand-in for the
data set: a zip of random images laid out as <data>/<n>/<n>.png, served
under the data hub's name; each of `holds` must be true at the end.
"""
import ast
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ROOT / 'sections'
MEASURES_MIME = 'application/vnd.d2lgan.measures+json'
FUNCTIONS = {'min': min, 'max': max, 'abs': abs, 'len': len}


class ContractError(ValueError):
    """A contract that cannot be read or evaluated; the message names the file."""


@dataclass
class Claim:
    says: str
    holds: str
    fails_when: dict


@dataclass
class Quote:
    text: str
    of: str
    format: str = '.2f'

    def problem(self, values):
        """Why the measure's values in the tracks do not read `text`, or None."""
        if ' to ' in self.text:
            low, high = (format(f(values), self.format) for f in (min, max))
            read = f'{low} to {high}'
        else:
            # Sorted by value, then each reading once: any format, '%' included.
            read = ' / '.join(dict.fromkeys(format(v, self.format) for v in sorted(values)))
        return None if read == self.text else (
            f'the prose says {self.text!r} of {self.of}, the notebooks give {read!r}')


@dataclass
class Contract:
    section: str
    order: int
    claims: list = field(default_factory=list)
    budget: dict = field(default_factory=dict)   # {'most': s, 'aim': s} or {}
    bench: dict = field(default_factory=dict)    # {'quality', 'baseline', 'book'}
    switch: dict = field(default_factory=dict)   # {'data', 'edits', 'holds'} or {}
    teaches: str = ''                            # what the section teaches, in a line
    quotes: list = field(default_factory=list)   # Quote: numbers the prose quotes


FIELDS = {'order', 'teaches', 'budget', 'bench', 'switch', 'claim', 'quote'}
CLAIM_FIELDS = {'says', 'holds', 'fails_when'}


def path_of(section, folder=None):
    return Path(folder or SECTIONS) / f'{section}.toml'


def load(section, folder=None):
    """The contract of `section`, read from <folder>/<section>.toml."""
    path = path_of(section, folder)
    where = path.relative_to(ROOT) if ROOT in path.parents else path.name
    if not path.exists():
        raise ContractError(f'{where} is missing: every section needs a contract beside '
                            f'its source (see CONTRIBUTING.md)')
    try:
        data = tomllib.loads(path.read_text(encoding='utf-8'))
    except tomllib.TOMLDecodeError as e:
        raise ContractError(f'{where} is not valid TOML: {e}') from e
    unknown = set(data) - FIELDS
    if unknown:
        raise ContractError(f'{where}: unknown field(s) {sorted(unknown)}; a contract has '
                            f'{sorted(FIELDS)}')
    if not isinstance(data.get('order'), int):
        raise ContractError(f'{where}: `order = <number>` (its place in the course) is missing')
    if not isinstance(data.get('teaches', ''), str):
        raise ContractError(f'{where}: `teaches` is one line of text (in quotes)')
    claims = []
    for i, claim in enumerate(data.get('claim', []), 1):
        missing = {'says', 'holds', 'fails_when'} - set(claim)
        unknown = set(claim) - CLAIM_FIELDS
        if missing or unknown:
            raise ContractError(f'{where}, claim {i}: ' + '; '.join(
                [f'missing {sorted(missing)}'] * bool(missing) +
                [f'unknown {sorted(unknown)}'] * bool(unknown)))
        for name in (claim['holds'], *claim['fails_when'].values()):
            try:
                compile(name, str(where), 'eval')
            except SyntaxError as e:
                raise ContractError(f'{where}, claim {i} ({claim["says"]!r}): {name!r} is '
                                    f'not a Python expression: {e.msg}') from e
        claims.append(Claim(**claim))
    budget, bench = data.get('budget', {}), data.get('bench', {})
    if budget and set(budget) != {'most', 'aim'}:
        raise ContractError(f'{where}: [budget] needs `most` and `aim` (seconds), and no more')
    unknown = set(bench) - {'quality', 'baseline', 'book'}
    if unknown:
        raise ContractError(f'{where}: [bench] has unknown {sorted(unknown)}; it may have '
                            f'quality, baseline and book')
    if 'book' in bench and not (path.parent / bench.get('baseline', '')).is_file():
        raise ContractError(f'{where}: [bench] book needs `baseline`, a script beside the '
                            f'section that trains it the book\'s way')
    switch = data.get('switch', {})
    if switch and not (set(switch) == {'data', 'edits', 'holds'}
                       and isinstance(switch['data'], str)
                       and all(isinstance(e, list) and len(e) == 2 for e in switch['edits'])
                       and all(isinstance(h, str) for h in switch['holds'])):
        raise ContractError(f'{where}: [switch] needs `data` (a data hub name), `edits` '
                            f'(pairs of [old, new] text) and `holds` (expressions), and no more')
    quotes = []
    for i, quote in enumerate(data.get('quote', []), 1):
        if not ({'text', 'of'} <= set(quote) <= {'text', 'of', 'format'}
                and all(isinstance(v, str) for v in quote.values())):
            raise ContractError(f'{where}, quote {i}: a quote has `text` and `of` (and may '
                                f'have `format`), each in quotes; it has {sorted(quote)}')
        try:
            compile(quote['of'], str(where), 'eval')
            format(1.0, quote.get('format', '.2f'))
        except (SyntaxError, ValueError) as e:
            raise ContractError(f'{where}, quote {i} ({quote["text"]!r}): {e}') from e
        quotes.append(Quote(**quote))
    return Contract(section, data['order'], claims, budget, bench, switch,
                    data.get('teaches', ''), quotes)


def sections(folder=None):
    """The course's sections in their order: every sections/<name>.md."""
    names = [p.stem for p in Path(folder or SECTIONS).glob('*.md')]
    return sorted(names, key=lambda name: (load(name, folder).order, name))


# --------------------------------------------------------------- measures
def measures(nb):
    """{report name: {row: {column: value}}} of every d2l.report in the
    lesson of an executed notebook (the worked solutions' reports are for
    the reader alone). A name reported twice is an error."""
    from tools.nbsource import SOLUTION_TAG
    found = {}
    for cell in nb.cells:
        if SOLUTION_TAG in cell.get('metadata', {}).get('tags', []):
            continue
        for out in cell.get('outputs', []):
            data = out.get('data', {}).get(MEASURES_MIME)
            if data is None:
                continue
            data = json.loads(data) if isinstance(data, str) else data
            twice = set(data) & set(found)
            if twice:
                raise ContractError(f'the notebook reports {sorted(twice)} more than once')
            found.update(data)
    return found


class Measures:
    """Read-only view of nested measures: `m.model.mean_error` reads
    m['model']['mean error']."""

    def __init__(self, data, path=''):
        self._data, self._path = data, path

    def _key(self, name):
        for key in (name, name.replace('_', ' ')):
            if key in self._data:
                return key
        where = f' of {self._path}' if self._path else ''
        raise ContractError(f'no measure {name!r}{where}; there are {sorted(self._data)}')

    def __getitem__(self, name):
        value = self._data[self._key(name)]
        path = f'{self._path}.{name}' if self._path else name
        return Measures(value, path) if isinstance(value, dict) else value

    __getattr__ = __getitem__


def evaluate(expression, data):
    return eval(expression, {'__builtins__': {}, **FUNCTIONS}, _Names(data))


class _Names(dict):
    """The names an expression sees: the report names, as Measures."""

    def __init__(self, data):
        super().__init__()
        self._root = Measures(data)

    def __missing__(self, name):
        if name in FUNCTIONS:
            raise KeyError(name)  # look it up among the functions
        return self._root[name]


def problems(contract, data):
    """The claims of `contract` that the measures `data` break: their
    `says`, with the numbers (or why they could not be read)."""
    found = []
    for claim in contract.claims:
        try:
            ok = evaluate(claim.holds, data)
        except ContractError as e:
            found.append(f'{claim.says}: {e}')
            continue
        if not ok:
            found.append(f'{claim.says} ({claim.holds}: {_numbers(claim.holds, data)})')
    return found


def _numbers(expression, data):
    """The values of the measures named in an expression, for a message."""
    parts = []
    for node in ast.walk(ast.parse(expression, mode='eval')):
        if isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(
                getattr(node, 'ctx', None), ast.Store):
            try:
                value = evaluate(ast.unparse(node), data)
            except (ContractError, KeyError, TypeError):
                continue
            if isinstance(value, (int, float)):
                parts.append(f'{ast.unparse(node)} = {value:g}')
    return ', '.join(dict.fromkeys(parts)) or 'no numbers'


def _path(target):
    """The keys a target such as `fit.model.mean_error` or
    `runs['lr = 0.1'].error` names, outermost first."""
    node, keys = ast.parse(target, mode='eval').body, []
    while not isinstance(node, ast.Name):
        if isinstance(node, ast.Attribute):
            keys.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            keys.append(node.slice.value)
            node = node.value
        else:
            raise ContractError(f'fails_when: {target!r} names no measure')
    return [node.id, *reversed(keys)]


def broken(claim, data):
    """A copy of `data` with the claim's counterexample applied."""
    import copy
    changed = copy.deepcopy(data)
    for target, expression in claim.fails_when.items():
        value = evaluate(expression, data)
        *path, last = _path(target)
        node = changed
        for name in path:
            node = node[Measures(node)._key(name)]
        key = Measures(node)._key(last)
        if isinstance(node[key], float) and isinstance(value, int):
            value = float(value)  # as a run reports it: a float stays a float
        node[key] = value
    return changed


# ------------------------------------------------------------------ margins
# A threshold set from measured runs must keep this much room, relative to
# the values compared, in every run of the section's variation data
# (results/variation/, tools/variation.py); a test checks it.
MARGIN = 0.05
_OPS = {ast.Lt: '<', ast.LtE: '<=', ast.Gt: '>', ast.GtE: '>=', ast.Eq: '=='}


def comparisons(holds):
    """The comparisons a claim makes, as (left, op, right) expression texts:
    `a < b < c and d == 1` gives three. A part that compares nothing is
    (expression, None, None)."""
    found = []

    def walk(node):
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            for value in node.values:
                walk(value)
        elif isinstance(node, ast.Compare) and all(type(op) in _OPS for op in node.ops):
            left = node.left
            for op, right in zip(node.ops, node.comparators):
                found.append((ast.unparse(left), _OPS[type(op)], ast.unparse(right)))
                left = right
        else:
            found.append((ast.unparse(node), None, None))

    walk(ast.parse(holds, mode='eval').body)
    return found


def slack(left, op, right):
    """How far a comparison is from failing, as a share of the larger of
    the two values: 0.2 for 8 > 6.4. None for == (it holds or it does not);
    negative where it fails."""
    if op == '==':
        return None
    scale = max(abs(left), abs(right)) or 1.0
    return (right - left) / scale if op in ('<', '<=') else (left - right) / scale
