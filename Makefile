# Two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make build   - install what is missing, then build the example matter into build/
#   make test    - install what is missing, then run the test suite
#   make test-fast - the unit tests only (no LibreOffice): quick, while working
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup system-deps build test test-fast bench check sample-exhibits clean

setup: system-deps $(VENV)/.installed

system-deps:
	@scripts/install-system-deps.sh

# Each step says what it does first: the install takes about a minute, and pip shows its
# progress. The editable install's banner from setuptools (a warning about folders named like
# the package) is hidden: it says nothing a user can act on.
$(VENV)/.installed: pyproject.toml
	@echo "filings: creating $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@echo "filings: upgrading pip in $(VENV)"
	@$(BIN)/python -m pip install -q --upgrade pip
	@echo "filings: installing Python packages into $(VENV) (about a minute)"
	@PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --progress-bar on -e '.[test]'
	@touch $@
	@echo "filings: $(VENV) is ready"

build: setup
	$(BIN)/python build.py

check: setup
	$(BIN)/filings check

# The suite runs on every core (pytest-xdist); each worker keeps its own LibreOffice pool.
test: setup
	@FILINGS_TEST_DEPS=1 scripts/install-system-deps.sh
	$(BIN)/python -m pytest -n auto

# The unit tests alone (no LibreOffice, OCR, Chromium or wheel): under a minute.
test-fast: setup
	$(BIN)/python -m pytest -n auto -m "not e2e"

bench: setup
	$(BIN)/python tools/bench.py

sample-exhibits: setup
	$(BIN)/python tools/make_sample_exhibits.py

clean:
	rm -rf build .pytest_cache
