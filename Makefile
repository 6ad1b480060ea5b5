# Two commands do everything on a fresh machine:
#   make lab    open the course in JupyterLab
#   make test   run the whole test suite
# Both set up .venv/ on first use (make setup) and reuse it afterwards.

# The Python that makes .venv: empty for the first of python3, python3.13,
# python3.12, python3.11 that is a supported version (tools/python.sh).
PYTHON ?=
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

.PHONY: setup lab test lint browser html notebooks lib student bench lock platforms clean

# Install everything into .venv/, start nothing. A .venv made by another or an
# unsupported Python is refused with what to do, not silently reused.
setup:
	@python=$$(sh tools/python.sh $(VENV) "$(PYTHON)") || exit 1; \
	if [ -n "$$python" ]; then \
		echo "Setting up $(VENV)/ with $$python"; \
		"$$python" -m venv $(VENV) || exit 1; \
	fi
	@$(MAKE) --no-print-directory $(STAMP)

$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml jupyter/overrides.json
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-nodeps.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name d2lgan \
		--display-name "Python 3 (d2lgan)" >/dev/null
	@# JupyterLab's settings for the course: no news pop-up (needs a network anyway)
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@$(BIN)/python -c 'from d2lgan.frameworks import mxnet_missing; (why := mxnet_missing()) and print(why)'
	touch $(STAMP)

# Extra JupyterLab options, e.g. make lab LAB_ARGS="--no-browser --port 8890".
# As root (common in containers) JupyterLab needs --allow-root to start.
LAB_ARGS ?=
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab $(ROOT_ARGS) $(LAB_ARGS) notebooks/

test: setup lint browser
	$(BIN)/python -m tools.nbsource check
	$(BIN)/python -m pytest -p no:cacheprovider -n $(JOBS) --maxschedchunk 1 --durations=30 \
		--ignore=tests/platforms tests

lint: setup
	$(BIN)/ruff check d2lgan tests tools site sections notebooks

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
html: setup
	$(BIN)/python -m tools.website

# Authors: rebuild the notebooks from sections/*.md, run them, and copy
# their #@save functions into d2lgan.  `make notebooks SECTIONS=gan` for one.
notebooks: setup
	$(BIN)/python -m tools.nbsource build $(SECTIONS)
	$(BIN)/python -m tools.nbsource lib
	$(BIN)/python -m tools.nbsource execute $(SECTIONS)

lib: setup
	$(BIN)/python -m tools.nbsource lib

# Teachers: copies to hand out, without solutions and outputs, in student/
# (not committed). `make student SECTIONS=gan` for one section.
student: setup
	$(BIN)/python -m tools.classroom student $(SECTIONS)

bench: setup
	$(BIN)/python -m tools.bench

# Maintainers: rewrite the lock requirements.txt from requirements.in, for
# every supported platform and Python at once (tools/lock.py).
lock: setup
	$(BIN)/python -m tools.lock update

# The course on other systems, beside the reference one: the README's set-up
# on a fresh Debian 13 (Python 3.13) and in a venv of Python 3.12, and there
# every notebook again, on another CPU's code paths where this CPU can
# simulate one (tests/platforms/). Each is skipped, with the reason, where it
# cannot run (it needs root, debootstrap and the package registries).
platforms: setup
	$(BIN)/python -m pytest -p no:cacheprovider -n 2 -rsP tests/platforms

clean:
	rm -rf $(VENV) _build .pytest_cache
