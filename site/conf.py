"""Sphinx configuration of the course website (built by tools/website.py).

The pages themselves are written by tools/website.py into a staging folder;
this file only says how to render them.
"""
from pathlib import Path

project = 'd2lgan'
author = 'the d2lgan authors'
copyright = '2026, the d2lgan authors'
html_title = 'GANs in Three Frameworks'

extensions = ['myst_parser', 'sphinx_design', 'sphinx.ext.mathjax']
myst_enable_extensions = ['colon_fence', 'dollarmath', 'amsmath']
myst_heading_anchors = 3  # links to a heading of a page, as on a code host
exclude_patterns = ['_mathjax']
suppress_warnings = ['myst.header']  # sections start at '#', later ones may skip levels

html_theme = 'furo'
html_static_path = ['_static']
html_css_files = ['d2lgan-site.css']
# In <head> and not deferred: it sets the view before the page is drawn.
html_js_files = [('d2lgan-site.js', {'priority': 100})]
html_permalinks_icon = '#'
html_show_sourcelink = False
html_copy_source = False
# Search results without page snippets: fetching them is blocked for file:// pages.
html_show_search_summary = False

# MathJax 3 from the staging folder (copied there from the installed
# `mathjax` package), with SVG output: no web fonts, no network.
mathjax_path = 'mathjax/tex-svg-full.js'


def setup(app):
    def add_mathjax(app):
        app.config.html_static_path.append(str(Path(app.srcdir) / '_mathjax'))
    app.connect('builder-inited', add_mathjax)
