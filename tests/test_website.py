"""The course website (tools/website.py), built from the committed notebooks
and checked in a real headless Chromium, opened from the file system with
every network request refused.

The browser is Chromium from the system (Debian: `apt-get install chromium`,
which `make test` does when it can), or the one named by $D2LGAN_BROWSER.
"""

import nbformat
import pytest
from conftest import write_tracks

from tools import nbsource, website

LABELS = list(website.LABELS.values())
SOLUTIONS = 'details.d2lgan-solution'


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    """The website, built once for this module; returns its folder."""
    out = tmp_path_factory.mktemp('html')
    website.build(out, tmp_path_factory.mktemp('staging'))
    return out


class Visit:
    """A browser context (its own local storage) that records every console
    error, script error, failed load and attempt to reach the network."""

    def __init__(self, browser, site):
        self.site = site
        self.context = browser.new_context(viewport={'width': 1400, 'height': 900})
        self.problems = []
        self.context.route('**/*', self._only_files)
        self.page = self.context.new_page()
        self.page.on('console', self._console)
        self.page.on('pageerror', lambda e: self.problems.append(f'script error: {e}'))
        self.page.on('requestfailed', lambda r: self.problems.append(f'failed to load {r.url}'))

    def _only_files(self, route):
        if route.request.url.startswith('file://'):
            route.continue_()
        else:
            self.problems.append(f'network request to {route.request.url}')
            route.abort()

    def _console(self, message):
        if message.type in ('error', 'warning'):
            self.problems.append(f'console {message.type}: {message.text}')

    def open(self, name, query=''):
        self.page.goto((self.site / name).as_uri() + query)
        self.page.wait_for_load_state('load')
        if self.page.locator('.math').count():
            self.page.wait_for_function('window.MathJax?.startup?.promise')
            self.page.evaluate('MathJax.startup.promise.then(() => true)')  # typeset
        return self.page

    def open_solutions(self):
        """Open every worked solution (closed dropdowns), as a reader who clicks them."""
        self.page.eval_on_selector_all(SOLUTIONS, 'ds => ds.forEach(d => { d.open = true; })')

    def selected(self):
        """The label of the shown tab of each tab set, in page order."""
        return self.page.eval_on_selector_all(
            '.sd-tab-set',
            'sets => sets.map(s => s.querySelector("input:checked + label").textContent.trim())')


@pytest.fixture
def visit(browser, site):
    v = Visit(browser, site)
    yield v
    v.context.close()
    assert v.problems == []


def test_index_lists_the_sections_in_course_order(visit):
    page = visit.open('index.html')
    links = page.eval_on_selector_all('article a.reference.internal',
                                      'links => links.map(a => a.getAttribute("href"))')
    pages = [link.split('#')[0] for link in links if link.endswith('.html')]
    docs = [f'{name}.html' for name in website.doc_pages()]
    assert pages == [f'{s}.html' for s in nbsource.sections()] + docs
    assert docs[0] == 'teachers.html' and len(docs) == len(list(website.DOCS.glob('*.md')))


def test_search_works_from_the_file_system(visit):
    page = visit.open('search.html', '?q=discriminator')
    page.wait_for_selector('#search-results li a')
    found = page.eval_on_selector_all('#search-results li a', 'as => as.map(a => a.innerText)')
    assert any('Discriminator' in title for title in found)


@pytest.mark.parametrize('section', nbsource.sections())
def test_every_code_cell_has_all_three_frameworks(visit, section):
    page = visit.open(f'{section}.html')
    sets = page.eval_on_selector_all(
        '.sd-tab-set', 'sets => sets.map(s => [...s.querySelectorAll(":scope > label")]'
                       '.map(l => l.textContent.trim()))')
    assert sets and all(labels == LABELS for labels in sets)
    assert set(visit.selected()) == {'PyTorch'}  # the default


def test_choosing_a_tab_switches_every_cell_and_later_pages(visit):
    first, second = nbsource.sections()[:2]
    page = visit.open(f'{first}.html')
    visit.open_solutions()
    n = page.locator('.sd-tab-set').count()
    page.locator('.sd-tab-set').nth(n // 2).get_by_text('TensorFlow', exact=True).click()
    assert visit.selected() == ['TensorFlow'] * n
    # Only the chosen framework's cells are visible.
    visible = page.eval_on_selector_all(
        '.sd-tab-content', 'cs => cs.filter(c => c.offsetParent !== null).length')
    assert visible == n
    visit.open(f'{second}.html')
    assert set(visit.selected()) == {'TensorFlow'}
    visit.open(f'{first}.html')  # remembered when coming back
    assert set(visit.selected()) == {'TensorFlow'}


def test_a_url_parameter_preselects_a_framework(visit):
    first, second = nbsource.sections()[:2]
    visit.open(f'{first}.html', '?framework=mxnet')
    assert set(visit.selected()) == {'MXNet'}
    visit.open(f'{second}.html')
    assert set(visit.selected()) == {'MXNet'}


def column_boxes(page):
    """For each tab set, the boxes of its shown contents."""
    return page.eval_on_selector_all('.sd-tab-set', '''sets => sets.map(s =>
        [...s.querySelectorAll(":scope > .sd-tab-content")]
            .filter(c => c.offsetParent !== null)
            .map(c => { const r = c.getBoundingClientRect();
                        return [r.left, r.top, r.width]; }))''')


def test_side_by_side_shows_three_aligned_columns(visit):
    page = visit.open(f'{nbsource.sections()[1]}.html')
    visit.open_solutions()
    assert all(len(boxes) == 1 for boxes in column_boxes(page))
    page.get_by_role('button', name='Side by side').click()
    for boxes in column_boxes(page):
        assert len(boxes) == 3
        (x1, y1, w1), (x2, y2, w2), (x3, y3, w3) = boxes
        assert y1 == y2 == y3, 'the columns of a cell start at the same height'
        assert x1 + w1 <= x2 and x2 + w2 <= x3, 'the columns stand side by side'
        assert min(w1, w2, w3) >= 400, 'each column gets a third of the page'
    # Code that is the same in every framework stands once, outside the columns.
    shared = page.eval_on_selector_all(
        'article div.highlight-python', 'bs => bs.filter(b => !b.closest(".sd-tab-set")).length')
    assert shared >= 1
    # The view is remembered on other pages, and can be switched back.
    page = visit.open('gan.html')
    visit.open_solutions()
    assert all(len(boxes) == 3 for boxes in column_boxes(page))
    page.get_by_role('button', name='Tabs').click()
    assert all(len(boxes) == 1 for boxes in column_boxes(page))
    page = visit.open('gan.html', '?view=columns')
    visit.open_solutions()
    assert all(len(boxes) == 3 for boxes in column_boxes(page))
    # On a phone-sized screen the three stand one below the other instead.
    page.set_viewport_size({'width': 420, 'height': 900})
    for (x1, y1, _), (x2, y2, _), (x3, y3, _) in column_boxes(page):
        assert x1 == x2 == x3 and y1 < y2 < y3


WRAPPED_LINES = '''pres => pres.filter(p => p.offsetParent !== null).map(p => {
    // Each line of text ends up in line boxes with their own tops: a line
    // that wraps has more than one.
    const range = document.createRange();
    range.selectNodeContents(p);
    const tops = new Set([...range.getClientRects()]
        .filter(r => r.width > 0).map(r => Math.round(r.top)));
    const lines = p.textContent.replace(/\\n$/, "").split("\\n")
        .filter(l => l.trim() !== "").length;
    return [p.textContent.slice(0, 60), lines, tops.size];
}).filter(([, lines, tops]) => tops > lines)'''


@pytest.mark.parametrize('section', nbsource.sections())
def test_side_by_side_never_wraps_a_line(visit, section):
    page = visit.open(f'{section}.html', '?view=columns')
    visit.open_solutions()
    assert page.eval_on_selector('.sidebar-drawer', 'e => getComputedStyle(e).display') == 'none'
    wrapped = page.eval_on_selector_all('article .d2lgan-tracks pre', WRAPPED_LINES)
    assert wrapped == [], 'lines wrap in these blocks (text, lines, visual lines)'
    # The check sees wrapping: make the columns wrap and look again.
    page.add_style_tag(content='html.d2lgan-columns .d2lgan-tracks pre '
                               '{ white-space: pre-wrap !important; }')
    assert page.eval_on_selector_all('article .d2lgan-tracks pre', WRAPPED_LINES) != []


@pytest.mark.parametrize('section', nbsource.sections())
def test_solutions_are_closed_dropdowns_under_their_exercises(visit, section):
    page = visit.open(f'{section}.html')
    exercises = nbsource.parse(nbsource.SOURCES / f'{section}.md').exercises
    found = page.eval_on_selector_all(SOLUTIONS, '''ds => ds.map(d => [
        d.querySelector("summary").textContent.trim(), d.open,
        [...d.children].filter(c => c.tagName !== "SUMMARY" && c.checkVisibility()).length,
        d.previousElementSibling?.tagName, d.previousElementSibling?.start])''')
    assert [f[0] for f in found] == [f'Solution {n}' for n in range(1, exercises + 1)]
    # Closed, nothing of them shown, each right under its exercise (a list item
    # numbered like it).
    assert [f[1:] for f in found] == [[False, 0, 'OL', n] for n in range(1, exercises + 1)]
    # A click opens that one, and only that one.
    page.locator(SOLUTIONS).nth(0).locator('summary').click()
    opened = page.eval_on_selector_all(SOLUTIONS, 'ds => ds.map(d => d.open)')
    assert opened == [True] + [False] * (exercises - 1)
    shown = page.locator(f'{SOLUTIONS} >> nth=0').inner_text()
    assert len(shown) > 100


@pytest.mark.parametrize('section', nbsource.sections())
def test_the_note_is_a_closed_dropdown(visit, section):
    """The section's note (nbsource: `:::{note} Title`), closed, titled."""
    notes = [c.note for c in nbsource.parse(nbsource.SOURCES / f'{section}.md') if c.note]
    page = visit.open(f'{section}.html')
    found = page.eval_on_selector_all('details.d2lgan-note', """ds => ds.map(d => [
        d.querySelector("summary").textContent.trim(), d.open, d.textContent.length])""")
    assert [f[:2] for f in found] == [[f'Note: {title}', False] for title in notes]
    assert all(length > 200 for *_, length in found)


@pytest.mark.parametrize('section', nbsource.sections())
def test_figures_load(visit, section):
    page = visit.open(f'{section}.html')
    page.get_by_role('button', name='Side by side').click()  # every framework's figures shown
    images = page.eval_on_selector_all(
        'article img', 'imgs => imgs.map(i => [i.getAttribute("src"), i.complete, i.naturalWidth])')
    assert len(images) >= 6
    broken = [src for src, complete, width in images if not (complete and width > 0)]
    assert broken == []


@pytest.mark.parametrize('section', nbsource.sections())
def test_math_is_rendered(visit, section):
    page = visit.open(f'{section}.html')
    math = page.eval_on_selector_all('.math', '''ms => ms.map(m => [
        m.querySelector("mjx-container svg") !== null,
        m.querySelector("[data-mjx-error], mjx-merror") !== null,
        m.innerText.includes("\\\\(") || m.innerText.includes("\\\\[")])''')
    assert math, 'the page has no math'
    assert all(svg and not error and not raw for svg, error, raw in math)


def test_tracks_that_do_not_line_up_stop_the_build(tmp_path, capsys, monkeypatch):
    cells = [('md', '# Demo'), ('code', 'x = 1')]
    write_tracks(tmp_path / 'nbs', {'mxnet': cells, 'pytorch': cells, 'tensorflow': cells[:1]})
    with pytest.raises(nbsource.ParityError, match="section 'demo', cell 2: .*tensorflow has 1"):
        website.build(tmp_path / 'html', tmp_path / 'staging', folder=tmp_path / 'nbs',
                      sections=['demo'])
    assert not (tmp_path / 'html').exists()
    monkeypatch.setattr(website.nbsource, 'NOTEBOOKS', tmp_path / 'nbs')
    monkeypatch.setattr(website.nbsource, 'sections', lambda: ['demo'])
    assert website.main(['--out', str(tmp_path / 'html')]) == 2
    assert "error: section 'demo', cell 2:" in capsys.readouterr().err


def test_a_cell_that_is_the_same_everywhere_is_shown_once(tmp_path):
    page = website.Page('demo', tmp_path)
    same = {t: nbformat.v4.new_code_cell('print(1)') for t in nbsource.TRACKS}
    for cell in same.values():
        cell.outputs = [nbformat.v4.new_output('stream', name='stdout', text='1\n')]
    page.add_code(same, 1)
    assert 'tab-set' not in page.text() and page.text().count('print(1)') == 1
    same['mxnet'].outputs[0].text = '2\n'  # same code, other result: outputs as tabs
    page.add_code(same, 2)
    assert page.text().count('{tab-set}') == 1 and page.text().count('print(1)') == 2
