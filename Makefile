# Loa — make help lists every target.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CAMPAIGN ?= campaigns/bao-ve-tre-em
OUT    ?= _site
PORT   ?= 8000
WEB_PORT ?= 8001

.DEFAULT_GOAL := help
.PHONY: help setup run build serve test test-fast check lint format types schema golden gallery bench clean

help: ## List every target
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/loa: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund; else echo "npm not found: browser accessibility tests will be skipped"; fi
	@touch $@ 2>/dev/null || true

setup: $(BIN)/loa ## Create .venv and install Loa with its test tools
	@$(MAKE) -s node_modules/axe-core/axe.min.js

run: setup ## Build the bundled campaign, start the tracking app with demo data, serve the portal
	$(BIN)/loa up $(CAMPAIGN) --out $(OUT) --port $(PORT) --web-port $(WEB_PORT)

build: $(BIN)/loa ## Build the bundled campaign into $(OUT)
	$(BIN)/loa build $(CAMPAIGN) --out $(OUT)

serve: $(BIN)/loa ## Serve $(OUT) on http://127.0.0.1:$(PORT)/
	$(BIN)/loa serve $(OUT) --port $(PORT)

test: setup ## Run the whole test suite (browser tests skip without Chromium)
	$(BIN)/python -m pytest

test-fast: $(BIN)/loa ## Run the tests that need no browser
	$(BIN)/python -m pytest -m "not browser"

lint: $(BIN)/loa ## ruff lint and format check
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: $(BIN)/loa ## Format the code with ruff
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

types: $(BIN)/loa ## mypy --strict on the core package
	$(BIN)/mypy

check: lint types test ## lint + types + tests, the same as CI

schema: $(BIN)/loa ## Regenerate the JSON Schemas in docs/schema/
	$(BIN)/loa schema --out docs/schema

golden: $(BIN)/loa ## Regenerate golden files in tests/golden/ (review the diff)
	$(BIN)/python tests/regenerate_golden.py
	LOA_REGEN_GOLDEN=1 $(BIN)/python -m pytest -q -m "not browser" tests

gallery: $(BIN)/loa ## Regenerate docs/gallery/: a contact sheet of every product kind (KINDS=slides,video to choose)
	$(BIN)/python scripts/gallery.py $(CAMPAIGN) $(if $(KINDS),--kinds $(KINDS))

bench: $(BIN)/loa ## Run every benchmark into benchmarks/RESULTS.md (over an hour; QUICK=1 for minutes)
	$(BIN)/pip install -q pypandoc-binary
	cd benchmarks && npm install --silent --no-audit --no-fund
	$(BIN)/python benchmarks/build.py
	$(BIN)/python benchmarks/cobrand.py $(if $(QUICK),--quick)
	$(BIN)/python benchmarks/video.py $(if $(QUICK),--skip-campaign)
	$(BIN)/python benchmarks/publish.py
	$(BIN)/python benchmarks/cluster.py $(if $(QUICK),--quick)
	$(BIN)/python benchmarks/tracking.py $(if $(QUICK),--quick)
	$(BIN)/python benchmarks/web_load.py --seconds $(if $(QUICK),10,60)
	$(if $(QUICK),,$(BIN)/python benchmarks/web_load.py --seconds 600 --cases quiz --workers 2 --section web-g15)
	$(BIN)/python scripts/drills/upload_corpus.py

clean: ## Remove build output and caches
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
