# Two commands do everything on a fresh machine:
#   make lab    open the course in JupyterLab
#   make test   run the whole test suite
# Both create .venv/ on first use and reuse it afterwards.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SECTIONS ?=
# Test processes at once: the suite runs independent tests side by side, one
# per core. Tests are handed out one at a time (--maxschedchunk 1), longest
# notebook runs first (tests/conftest.py), so no core waits on a queue of them.
JOBS ?= auto
# Quiet, reproducible Jupyter: no platformdirs deprecation warning, and the
# kernel's environment is the one the notebooks were executed in.
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: lab test lint browser html notebooks lib student bench clean

$(STAMP): requirements.txt requirements-book.txt pyproject.toml jupyter/overrides.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-book.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name d2lgan \
		--display-name "Python 3 (d2lgan)" >/dev/null
	@# JupyterLab's settings for the course: no news pop-up (needs a network anyway)
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

# Extra JupyterLab options, e.g. make lab LAB_ARGS="--no-browser --port 8890".
# As root (common in containers) JupyterLab needs --allow-root to start.
LAB_ARGS ?=
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_ARGS) $(LAB_ARGS) notebooks/

test: $(STAMP) lint browser
	$(BIN)/python tools/nbsource.py check
	$(BIN)/python -m pytest -p no:cacheprovider -n $(JOBS) --maxschedchunk 1 --durations=10 tests

lint: $(STAMP)
	$(BIN)/ruff check d2lgan tests tools site notebooks

# The website's tests run in a real Chromium: the system's, or the one named
# by D2LGAN_BROWSER. As root on Debian/Ubuntu, install it if it is missing.
browser:
	@if [ -n "$$D2LGAN_BROWSER" ] || command -v chromium || command -v chromium-browser \
		|| command -v google-chrome; then exit 0; fi >/dev/null; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium for the website tests (apt-get install chromium)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	else \
		echo "The website tests need Chromium: install it (e.g. sudo apt-get install" \
			"chromium) or set D2LGAN_BROWSER=/path/to/chrome, then run make test again." >&2; \
		exit 1; \
	fi

# The course as a static website in _build/html/ (open _build/html/index.html),
# built from the committed notebooks without running them.
html: $(STAMP)
	$(BIN)/python tools/website.py

# Authors: rebuild the notebooks from sections/*.md, run them, and copy
# their #@save functions into d2lgan.  `make notebooks SECTIONS=gan` for one.
notebooks: $(STAMP)
	$(BIN)/python tools/nbsource.py build $(SECTIONS)
	$(BIN)/python tools/nbsource.py lib
	$(BIN)/python tools/nbsource.py execute $(SECTIONS)

lib: $(STAMP)
	$(BIN)/python tools/nbsource.py lib

# Teachers: copies to hand out, without solutions and outputs, in student/
# (not committed). `make student SECTIONS=gan` for one section.
student: $(STAMP)
	$(BIN)/python tools/classroom.py student $(SECTIONS)

bench: $(STAMP)
	$(BIN)/python tools/bench.py

clean:
	rm -rf $(VENV) _build .pytest_cache
