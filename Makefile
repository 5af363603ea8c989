# lava-aptn: `make demo` runs the main job, `make test` the test suite; both set up first.
PYTHON ?= python3.10
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup data demo test lint bench clean clean-numba

setup: $(STAMP) data

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.10 (e.g. pyenv install 3.10)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

data: $(STAMP)
	$(BIN)/lava-aptn data fetch all

demo: setup
	$(BIN)/lava-aptn demo --out runs/demo

test: setup
	$(BIN)/python -m pytest -q tests

lint: $(STAMP)
	$(BIN)/ruff check lava_aptn tests benchmarks
	$(BIN)/ruff format --check lava_aptn tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/engine.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# numba does not recompile a cached kernel when only a callee in another file changed
clean-numba:
	find lava_aptn -name '*.nbi' -delete -o -name '*.nbc' -delete
