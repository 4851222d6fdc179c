# Two things a newcomer runs on a fresh machine: `make app` and `make test`.
# Each installs what is missing (system libraries, a virtual environment in
# .venv, the package) and then does its job. Nothing is downloaded at run time.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: app test install install-system install-browser clean

app: $(VENV)/.installed-app
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

# PostgreSQL (Debian's package, started by .ci/postgres) for the clinic record's tests on a real server
test: $(VENV)/.installed-dev install-browser
	MOVEMENT_CHECK_TEST_POSTGRES="$${MOVEMENT_CHECK_TEST_POSTGRES:-$$(bash .ci/postgres)}" $(PY) -m pytest

install: $(VENV)/.installed-app $(VENV)/.installed-dev

# OpenCV's contrib build (brought by mediapipe) links libGL and glib.
install-system:
	@bash .ci/system-deps

# Debian's Chromium, for the real-browser test of the live visit
install-browser:
	@bash .ci/browser-deps

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(VENV)/bin/python install-system
	$(PY) -m pip install --quiet -e '.[app]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python install-system
	$(PY) -m pip install --quiet -e '.[app,dev]'
	touch $@

clean:
	rm -rf $(VENV) *.egg-info
