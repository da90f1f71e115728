# One task runner for people and for CI.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
VENDOR := static/vendor/htmx.min.js static/vendor/chart.umd.min.js static/admin/i18n/flatpickr/it.js \
	tests/browser/vendor/axe.min.js

.PHONY: run test install check lint format system-deps pytest browser clean

## make run: start the console on SQLite with demo data and print where to log in.
run: install
	$(BIN)/python main.py demo

## make test: install what the tests need, check the code, run the whole suite.
test: install system-deps check pytest

install: $(BIN)/.installed $(VENDOR)

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(VENDOR) &: admin/settings.py scripts/fetch_vendor.sh
	scripts/fetch_vendor.sh

## Debian's Chromium for the browser scenarios (Playwright cannot download its own here).
system-deps:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "chromium is missing: sudo apt-get install chromium" >&2; exit 1; fi; }

check: lint
	$(BIN)/mypy

lint:
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

pytest:
	HTMX_URL=/static/vendor/htmx.min.js CHART_URL=/static/vendor/chart.umd.min.js $(BIN)/pytest $(PYTEST_ARGS)

## make browser: only the browser scenarios (QA), e.g. PYTEST_ARGS='--base-url http://host:8000'.
browser: install system-deps
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) data static/vendor static/admin tests/browser/vendor .pytest_cache .mypy_cache .ruff_cache
