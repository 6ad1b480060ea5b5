"""Build the course website from the committed, executed notebooks.

    python -m tools.website [--out _build/html]      (or: make html)

Each section becomes one page, and each documentation page docs/<name>.md
one more. Prose and math appear once; each code cell
appears with its outputs in all three frameworks, as synced tabs
(MXNet | PyTorch | TensorFlow), and a "side by side" switch on every page
shows the three tracks in aligned columns instead. Nothing is executed: the
outputs are the ones committed in notebooks/.

The heavy lifting is done by well-kept tools: Sphinx builds the site,
myst-parser reads Markdown with math, sphinx-design draws the tabs and keeps
them in sync across cells and pages (remembered in the browser, and
preselected by ``?framework=pytorch`` in the URL), and MathJax renders math
from a local copy. What they lack is pairing three notebooks into one page;
that is this script. It writes one MyST page per section into a staging
folder, next to the figures taken out of the notebooks, and runs Sphinx on it.
The columns view is a small script and style sheet in site/_static/.

Cells are paired by ``nbsource.paired_cells``, the rule the test suite uses;
if the tracks do not line up, the build stops and names the section and cell.
"""
import argparse
import base64
import hashlib
import re
import shutil
import sys
from pathlib import Path

import nbformat

from tools import nbsource

ROOT = nbsource.ROOT
SITE = ROOT / 'site'
LABELS = nbsource.LABELS
DEFAULT_TRACK = 'pytorch'
SYNC_GROUP = 'framework'
ATTACHMENT_LINK = re.compile(r'(!\[[^\]]*\]\()attachment:([^)\s]+)\)')


def fence(text, char='`', minimum=3):
    """A fence longer than any run of `char` inside `text`."""
    runs = [len(m) for m in re.findall(re.escape(char) + '+', text)]
    return char * max(minimum, max(runs, default=0) + 1)


def code_block(source, language='python', css_class=None):
    f = fence(source)
    head = f'{f}{{code-block}} {language}\n'
    if css_class:
        head += f':class: {css_class}\n'
    return f'{head}\n{source}\n{f}\n'


class Page:
    """The MyST text of one section page, and the figures it needs."""

    def __init__(self, section, staging):
        self.section = section
        self.figures = staging / 'figures'
        self.parts = []

    def store(self, data, suffix):
        """Write one figure into figures/, named by its content; return its path."""
        name = hashlib.sha1(data).hexdigest()[:16] + suffix
        self.figures.mkdir(parents=True, exist_ok=True)
        (self.figures / name).write_bytes(data)
        return f'figures/{name}'

    def figure(self, data, suffix, where):
        """Store one figure and return its MyST."""
        return (f'```{{image}} {self.store(data, suffix)}\n:alt: {where}\n'
                f':class: d2lgan-figure\n```\n')

    def outputs(self, cell, where):
        """MyST for a code cell's outputs: text as blocks, figures as images."""
        parts = []
        for out in cell.get('outputs', []):
            kind = out.output_type
            if kind == 'stream':
                parts.append(code_block(out.text.rstrip('\n'), 'none', 'd2lgan-output'))
            elif kind == 'error':
                raise nbsource.SourceError(
                    f'section {self.section!r}, {where}: the committed output is an '
                    f'error ({out.ename}); fix the notebook and run `make notebooks`')
            elif kind in ('display_data', 'execute_result'):
                data = out.get('data', {})
                if 'image/svg+xml' in data:
                    svg = data['image/svg+xml']
                    svg = ''.join(svg) if isinstance(svg, list) else svg
                    parts.append(self.figure(svg.encode(), '.svg', f'Figure from {where}'))
                elif 'image/png' in data:
                    parts.append(self.figure(base64.b64decode(data['image/png']), '.png',
                                             f'Figure from {where}'))
                elif data.get('text/plain', '').strip():
                    parts.append(code_block(data['text/plain'], 'none', 'd2lgan-output'))
        return parts

    @staticmethod
    def tab_set(items):
        """A sphinx-design tab set, one synced tab per track."""
        body = []
        for track, parts in items.items():
            options = f':sync: {track}\n'
            if track == DEFAULT_TRACK:
                options += ':selected:\n'
            inner = '\n'.join(parts) or '*(no output)*\n'
            f = fence(inner, ':', 4)
            body.append(f'{f}{{tab-item}} {LABELS[track]}\n{options}\n{inner}\n{f}\n')
        inner = '\n'.join(body)
        f = fence(inner, ':', 4)
        return (f'{f}{{tab-set}}\n:sync-group: {SYNC_GROUP}\n:class: d2lgan-tracks\n\n'
                f'{inner}\n{f}\n')

    def add_markdown(self, cell):
        """Prose; its images (cell attachments) become files in figures/."""
        attachments = cell.get('attachments', {})

        def link(m):
            name = m.group(2)
            if name not in attachments:
                raise nbsource.SourceError(f'section {self.section!r}: the image {name} is '
                                           f'not attached to its cell; run `make notebooks`')
            (data,) = attachments[name].values()
            data = base64.b64decode(''.join(data) if isinstance(data, list) else data)
            return f'{m.group(1)}{self.store(data, Path(name).suffix)})'

        self.parts.append(ATTACHMENT_LINK.sub(link, cell.source) + '\n')

    def add_code(self, cells, number):
        """One cell of the three tracks: once if identical, else as tabs."""
        where = {t: f'cell {number} ({LABELS[t]})' for t in cells}
        sources = {t: c.source for t, c in cells.items()}
        outputs = {t: self.outputs(c, where[t]) for t, c in cells.items()}
        same_code = len(set(sources.values())) == 1
        if same_code and all(o == outputs[DEFAULT_TRACK] for o in outputs.values()):
            self.parts.append(code_block(sources[DEFAULT_TRACK]))
            self.parts.extend(outputs[DEFAULT_TRACK])
        elif same_code:
            # The same code in every framework, with different results:
            # show the code once and the outputs per framework.
            self.parts.append(code_block(sources[DEFAULT_TRACK]))
            self.parts.append(self.tab_set(outputs))
        else:
            self.parts.append(self.tab_set(
                {t: [code_block(sources[t]), *outputs[t]] for t in cells}))

    def text(self):
        return '\n'.join(self.parts)


SOLUTION_NUMBER = re.compile(r'\*\*Solution (\d+)\.\*\*')


def unlabeled(cell):
    """A solution cell without its first line, the label that JupyterLab
    shows while the cell is folded (the dropdown's title says it here)."""
    label = nbsource.SOLUTION_LABEL[cell.cell_type].split('{', 1)[0]
    if not cell.source.startswith(label):
        return cell
    copy = nbformat.from_dict(dict(cell))
    copy.source = cell.source.split('\n', 1)[1] if '\n' in cell.source else ''
    return copy


def dropdown(title, parts, kind='solution', icon='light-bulb'):
    """A closed sphinx-design dropdown holding `parts` (a worked solution, or
    the section's note with kind='note')."""
    inner = '\n'.join(parts)
    f = fence(inner, ':', 4)
    return (f'{f}{{dropdown}} {title}\n:class-container: d2lgan-{kind}\n:icon: {icon}\n\n'
            f'{inner}\n{f}\n')


NOTE_TITLE = re.compile(re.escape(nbsource.NOTE_LABEL).replace(re.escape('{title}'), '(.+)'))


def note_dropdown(cell):
    """The section's note (nbsource.NOTE_LABEL, then its prose) as a closed
    dropdown titled with the note's title."""
    label, _, text = cell.source.partition('\n')
    found = NOTE_TITLE.fullmatch(label)
    return dropdown(f'Note: {found.group(1) if found else label}', [text], 'note', 'info')


def section_page(section, staging, folder=None):
    """Write <staging>/<section>.md from the three notebooks; return its title.
    Each worked solution (the cells after its note, see nbsource.SOLUTION_NOTE)
    becomes a closed dropdown in place of the note."""
    page = Page(section, staging)
    title = None
    lesson, solution = page.parts, None  # solution: (number, the parts collected so far)

    def close_solution():
        nonlocal solution
        if solution:
            page.parts = lesson
            page.parts.append(dropdown(f'Solution {solution[0]}', solution[1]))
            solution = None

    for number, (kind, cells) in enumerate(nbsource.paired_cells(section, folder), 1):
        cell = cells[DEFAULT_TRACK]
        if not nbsource.is_solution(cell):
            close_solution()
        elif nbsource.NOTE_TAG in cell.metadata['tags']:  # the note that opens a solution
            close_solution()
            found = SOLUTION_NUMBER.match(cell.source)
            solution = (found.group(1) if found else '', [])
            page.parts = solution[1]
            continue
        else:
            cells = {t: unlabeled(c) for t, c in cells.items()}
        if nbsource.CLOSED_NOTE_TAG in cell.metadata.get('tags', []):
            page.parts.append(note_dropdown(cell))
            continue
        if kind == 'markdown':
            source = cells[DEFAULT_TRACK].source
            if title is None:
                match = re.search(r'^#\s+(.+)$', source, re.M)
                title = match.group(1).strip() if match else section
            page.add_markdown(cells[DEFAULT_TRACK])
        elif kind == 'code':
            page.add_code(cells, number)
    close_solution()
    (staging / f'{section}.md').write_text(page.text(), encoding='utf-8')
    return title or section


DOCS = ROOT / 'docs'
TEACHERS = 'teachers'  # the documentation page the index names first


def doc_pages():
    """{name: title} of the documentation pages docs/<name>.md, the teachers'
    page first: each is Markdown that starts with its '# Title'."""
    pages = {}
    for path in sorted(DOCS.glob('*.md'), key=lambda p: (p.stem != TEACHERS, p.stem)):
        first = path.read_text(encoding='utf-8').split('\n', 1)[0]
        if not first.startswith('# '):
            raise nbsource.SourceError(f'{path.relative_to(ROOT)} must start with a '
                                       f'"# Title" line, which names its page on the website')
        pages[path.stem] = first[2:].strip()
    return pages


def index_page(titles, docs):
    links = '\n'.join(f'* [{title}]({section}.md)' for section, title in titles.items())
    about = '\n'.join(f'* [{title}]({name}.md)' for name, title in docs.items())
    toc = '\n'.join([*titles, *docs])
    frameworks = ', '.join(f'`?{SYNC_GROUP}={t}`' for t in LABELS)
    return f"""# Generative Adversarial Networks in Three Frameworks

This course teaches generative adversarial networks in the manner of
*Dive into Deep Learning*, with every piece of code written three times:
for MXNet, PyTorch and TensorFlow. Each page shows the prose once and each
code cell with its outputs in all three frameworks.

* Pick a framework in any tab: every cell on the page follows, and so do the
  other pages. Your choice is remembered; a link can preselect one with
  {frameworks}.
* Choose **Side by side** at the top of a page to see the three frameworks in
  columns, cell by cell. Code that is the same in all three is shown once.
* Every exercise has a worked solution, closed right under it: click
  **Solution** to open it once you have tried.

The outputs are those of the notebooks in the repository, run on a
laptop-class CPU; open them in JupyterLab with `make lab` to run them yourself.

## Sections

{links}

## About the course

{about}

```{{toctree}}
:hidden:

{toc}
```
"""


def stage(staging, folder=None, sections=None):
    """Write the MyST sources of the whole site into `staging`."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    titles = {s: section_page(s, staging, folder) for s in sections or nbsource.sections()}
    docs = doc_pages()
    for name in docs:
        shutil.copy2(DOCS / f'{name}.md', staging / f'{name}.md')
    (staging / 'index.md').write_text(index_page(titles, docs), encoding='utf-8')
    # MathJax from the installed package, so that math needs no network.
    # The "full" bundle holds every TeX extension (\boldsymbol, ...), so it
    # never fetches one on demand.
    import mathjax
    bundle = Path(mathjax.__file__).parent / 'static' / 'mathjax' / 'es5' / 'tex-svg-full.js'
    target = staging / '_mathjax' / 'mathjax'  # becomes _static/mathjax/ (site/conf.py)
    target.mkdir(parents=True)
    shutil.copy2(bundle, target / bundle.name)
    return titles


def build(out=ROOT / '_build' / 'html', staging=None, folder=None, sections=None,
          quiet=True):
    """Stage the pages and run Sphinx; return the path of index.html.
    The MyST pages are staged in `staging` (default: <out>-sources)."""
    from sphinx.cmd.build import build_main
    out = Path(out)
    staging = Path(staging) if staging else out.parent / f'{out.name}-sources'
    stage(staging, folder, sections)
    args = ['-b', 'html', '-c', str(SITE), '-W', '--keep-going', '-E', '-j', '1',
            str(staging), str(out)]
    if quiet:
        args.insert(0, '-q')
    if build_main(args) != 0:
        raise SystemExit('sphinx-build failed (see the messages above)')
    return out / 'index.html'


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=str(ROOT / '_build' / 'html'),
                    help='where to write the site (default: _build/html)')
    ap.add_argument('--verbose', action='store_true', help="show Sphinx's progress")
    args = ap.parse_args(argv)
    try:
        index = build(Path(args.out), quiet=not args.verbose)
    except nbsource.SourceError as e:  # tracks that do not line up, or an error output
        print(f'error: {e}', file=sys.stderr)
        return 2
    print(f'wrote {index}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
