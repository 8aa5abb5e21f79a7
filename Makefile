# Two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make build   - install what is missing, then build the example matter into build/
#   make test    - install what is missing, then run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup system-deps build test bench check sample-exhibits clean

setup: system-deps $(VENV)/.installed

system-deps:
	@scripts/install-system-deps.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

build: setup
	$(BIN)/python build.py

check: setup
	$(BIN)/filings check

test: setup
	@FILINGS_TEST_DEPS=1 scripts/install-system-deps.sh
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python tools/bench.py

sample-exhibits: setup
	$(BIN)/python tools/make_sample_exhibits.py

clean:
	rm -rf build .pytest_cache
