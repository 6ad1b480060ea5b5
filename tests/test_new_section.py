"""Adding a section means writing its source and its contract, and measuring
its spread, nothing more.

A tiny demo section, written into a temporary folder as CONTRIBUTING.md
says (sections/demo.md and sections/demo.toml), goes the whole way with the
tools as they are: it builds into three notebooks, runs (twice in one
kernel, as `make notebooks` runs it), passes its contract and the fresh-run
comparison, fails a claim it breaks, has its spread measured and tabled,
takes its place in the course, and appears on the website.
"""

import textwrap

import nbformat
import pytest

from tools import contract, nbcompare, nbsource, results, runner, variation, website

IMPORTS = {'mxnet': 'mxnet', 'pytorch': 'torch', 'tensorflow': 'tensorflow'}
SOURCE = '# A Demo Section\n\nWe fit a line through noisy points and say how far off it is.\n\n' + \
    ''.join(f'```{track}\nfrom d2lgan import {module} as d2l\n\nd2l.reproducible(seed=0)\n```\n\n'
            for track, module in IMPORTS.items()) + '''\
The fit, and a guess for scale.

```python
import numpy as np

x = np.linspace(0, 1, 50)
y = 2 * x + 0.1 * np.random.default_rng(0).normal(size=50)
slope = float((x * y).sum() / (x * x).sum())
d2l.report('fit', {'model': {'error': abs(slope - 2)}, 'guess': {'error': 1.0}})
```

## Exercises

1. Why does the fit miss the true slope at all?

:::{solution}
The points are noisy: another draw of the noise gives another slope.
:::
'''
CONTRACT = '''order = 1000
[[claim]]
says = "the line fits far better than the guess"
holds = "fit.model.error < 0.2 * fit.guess.error"
fails_when = {"fit.model.error" = "fit.guess.error"}
'''


@pytest.fixture
def course(tmp_path, monkeypatch):
    """The course's sections plus the demo, in a folder of their own."""
    sections, notebooks = tmp_path / 'sections', tmp_path / 'notebooks'
    sections.mkdir()
    for path in nbsource.SOURCES.iterdir():
        (sections / path.name).write_bytes(path.read_bytes())
    (sections / 'demo.md').write_text(SOURCE)
    (sections / 'demo.toml').write_text(CONTRACT)
    monkeypatch.setattr(nbsource, 'SOURCES', sections)
    monkeypatch.setattr(nbsource, 'NOTEBOOKS', notebooks)
    monkeypatch.setattr(contract, 'SECTIONS', sections)
    monkeypatch.setattr(variation, 'RESULTS', tmp_path / 'results' / 'variation')
    return tmp_path


def test_a_new_section_needs_only_its_source_and_contract(course):
    assert nbsource.sections()[-1] == 'demo'  # its place: the contract's order
    nbsource.build('demo')
    for track in nbsource.TRACKS:
        path = nbsource.notebook_path('demo', track)
        nbsource.store(path)  # run twice in one kernel, stored if equal
        nb = nbformat.read(path, as_version=4)
        assert nbcompare.run_problems(nb) == []
        assert nbcompare.learning_problems('demo', nb) == []
        fresh, = runner.run(path)
        assert nbcompare.compare(nb, fresh) == []
        assert nbcompare.learning_problems('demo', fresh) == []
        claim, = contract.load('demo').claims
        bad = contract.broken(claim, contract.measures(nb))
        assert contract.problems(contract.load('demo'), bad)[0].startswith(claim.says)
    # Its spread, as CONTRIBUTING.md asks (one track here, to keep the test short).
    variation.main(['demo', '--tracks', 'pytorch', '--seeds', '0', '1', '--jobs', '1'])
    runs = variation.load('demo')
    assert [(r['seed'], r['numerics']) for r in runs] == [
        (0, 'foreign'), (1, 'foreign'), (0, 'native'), (1, 'native')]
    assert all(r['code'] == nbsource.code_hash(nbsource.notebook_path('demo', 'pytorch'))
               and not r['problems'] for r in runs)
    table = results.variation_table('demo')
    assert '`fit.model.error`' in table
    assert '| runs that met every claim | - | 4 of 4 | - |' in table
    index = website.build(course / 'html', sections=['demo'], folder=nbsource.NOTEBOOKS)
    page = (index.parent / 'demo.html').read_text()
    assert 'A Demo Section' in page and all(label in page for label in nbsource.LABELS.values())


def test_a_section_without_a_contract_is_named(course):
    (nbsource.SOURCES / 'demo.toml').unlink()
    with pytest.raises(SystemExit, match=r'demo.toml is missing'):
        nbsource.sections()


@pytest.mark.parametrize('text, message', [
    ('claim = 1\n', r'`order = <number>`'),
    ('order = 1\ncolour = "red"\n', r"unknown field\(s\) \['colour'\]"),
    ('order = 1\n[[claim]]\nsays = "x"\nholds = "fit.model.error <"\nfails_when = {}\n',
     'not a Python expression'),
    ('order = 1\n[[claim]]\nsays = "x"\nholds = "True"\n', r"missing \['fails_when'\]"),
    ('order = 1\n[budget]\nmost = 90\n', 'needs `most` and `aim`'),
    ('order = 1\n[bench]\nbook = {pytorch = [1, 2, 3]}\n', 'book needs `baseline`'),
    ('order = 1\n[switch]\ndata = "sprites"\n', r'\[switch\] needs `data`'),
    ('order = [\n', 'is not valid TOML'),
    ('order = 1\nteaches = 3\n', '`teaches` is one line of text'),
])
def test_a_broken_contract_says_what_is_wrong(course, text, message):
    (nbsource.SOURCES / 'demo.toml').write_text(text)
    with pytest.raises(contract.ContractError, match=message):
        contract.load('demo')


def test_the_contract_contributing_shows_is_one(course):
    text = (nbsource.ROOT / 'CONTRIBUTING.md').read_text()
    example = text.split('## 3. The contract')[1].split('\n\n')[2]
    (nbsource.SOURCES / 'demo.toml').write_text(textwrap.dedent(example))
    terms = contract.load('demo')
    assert terms.teaches and len(terms.claims) == 1


def test_a_claim_on_a_measure_nobody_reported_says_which(course):
    terms = contract.load('demo')
    problems = contract.problems(terms, {'fit': {'model': {'error': 0.1}}})
    assert len(problems) == 1 and "no measure 'guess' of fit" in problems[0]
