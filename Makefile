# patchlens: the two commands the README promises.
#   make demo   lint and explain the example thread in examples/
#   make test   ruff, mypy --strict and the whole pytest suite
# Only python3, make and git are assumed; everything else goes into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint-self bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(STAMP)
	@echo '== v1: the patch as first posted (no background sections) =='
	@$(BIN)/patchlens lint examples/thread/v1-0001.patch; status=$$?; \
	  echo "exit status $$status (1: findings, as expected for v1)"; test $$status -eq 1
	@echo
	@echo '== v2: the re-roll carrying the sections the reviewer wrote =='
	@echo '   (no error, no warning: the pinned-bit finding is a note once its sections are there)'
	@$(BIN)/patchlens lint examples/thread/v2-0001.patch; status=$$?; \
	  echo "exit status $$status (0: nothing blocks a hook)"; test $$status -eq 0
	@echo
	@echo '== the whole thread: v1, the review, v2 (review-followup checks v2 against the review) =='
	$(BIN)/patchlens lint --types review-followup examples/thread/v1-0001.patch \
	  examples/thread/review.eml examples/thread/v2-0001.patch
	@mkdir -p examples/out
	$(BIN)/patchlens explain -o examples/out/thread.html --format html examples/thread/v1-0001.patch \
	  examples/thread/review.eml examples/thread/v2-0001.patch
	$(BIN)/patchlens explain -o examples/out/thread.md examples/thread/v1-0001.patch \
	  examples/thread/review.eml examples/thread/v2-0001.patch
	$(BIN)/patchlens explain -o examples/out/thread.changelog.txt --format changelog \
	  examples/thread/v1-0001.patch examples/thread/review.eml examples/thread/v2-0001.patch
	$(BIN)/patchlens explain -o examples/out/series.html --format html examples/series/thread.mbox
	@echo 'explainers written to examples/out/ (thread.html, thread.md, thread.changelog.txt, series.html)'

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
