# Two commands do all set-up on a fresh machine with Python 3.11+:
#   make run    install into .venv and check samples/ (HTML reports in reports/)
#   make test   install into .venv (with the dev extra) and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast venv clean-reports

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

venv: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'

run: venv
	$(BIN)/qa check samples/ --html reports/ --fail-on never

test: venv
	$(BIN)/python -m pytest

# the fast suite only, without the real-browser tests (tests/browser, marker "browser")
test-fast: venv
	$(BIN)/python -m pytest -m "not browser"

clean-reports:
	find reports -mindepth 1 ! -name .gitkeep -delete
