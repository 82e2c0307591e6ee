# One command per job; CI calls the same targets (see .ci/run).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
DEMO_DIR ?= demo

.PHONY: install demo test test-all lint bench validate clean

install: $(VENV)/.installed

# The lock file pins every version; `uv sync --locked` refuses a lock that has drifted
# from pyproject.toml, so a fresh machine installs exactly what was tested.
$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv sync --locked --all-extras --inexact --python $(BIN)/python
	touch $@

# The main job on the embedded default (a SQLite register, no server), one stage a line,
# ending with the dashboard served: in a terminal until Ctrl-C; elsewhere (a script, CI)
# it starts, answers once and stops, so that the run ends. DEMO_SERVE=no skips it.
DB := sqlite:///$(DEMO_DIR)/register.db
DEMO_PORT ?= 8000
DEMO_SERVE ?= yes
demo: install
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	$(BIN)/musterroll simulate --seed 7 --people 20000 --out $(DEMO_DIR)/war
	$(BIN)/musterroll --db $(DB) init
	$(BIN)/musterroll --db $(DB) ingest --manifest $(DEMO_DIR)/war/manifest.json > $(DEMO_DIR)/ingest.log 2>&1 \
	  || (cat $(DEMO_DIR)/ingest.log; exit 1)
	@tail -n 4 $(DEMO_DIR)/ingest.log
	$(BIN)/musterroll --db $(DB) link
	$(BIN)/musterroll --db $(DB) export persons --out $(DEMO_DIR)/persons.csv
	$(BIN)/musterroll evaluate linkage --truth $(DEMO_DIR)/war --persons $(DEMO_DIR)/persons.csv
	$(BIN)/musterroll --db $(DB) status
	$(BIN)/musterroll --db $(DB) dna import --manifest $(DEMO_DIR)/war/manifest.json
	$(BIN)/musterroll --db $(DB) dna match --threshold 1e4
	$(BIN)/musterroll --db $(DB) dna proposals --status proposed --unidentified --limit 5
	$(BIN)/musterroll --db $(DB) evaluate dna --truth $(DEMO_DIR)/war
	$(BIN)/musterroll --db $(DB) estimate --seed 7 --save
	$(BIN)/musterroll --db $(DB) estimate --status casualty --method lcmcr --seed 7 --save
	@echo
	@echo "demo: simulated a war of 20,000 people into $(DEMO_DIR)/war (lists, truth, manifest),"
	@echo "      ingested every list into the register $(DEMO_DIR)/register.db (log: $(DEMO_DIR)/ingest.log),"
	@echo "      linked the records into persons, scored the linkage against the truth,"
	@echo "      derived each person's status with the documented counts above,"
	@echo "      matched the remains' DNA against the families' references (proposals for the"
	@echo "      forensic role: musterroll --db $(DB) dna proposals; dna confirm ID),"
	@echo "      and estimated the killed and all casualties no list has seen (stored for the dashboard)."
	@if [ "$(DEMO_SERVE)" = "no" ]; then \
	  echo "      Serve it: $(BIN)/musterroll --db $(DB) serve   (http://127.0.0.1:$(DEMO_PORT)/)"; \
	elif [ -t 1 ]; then \
	  echo "demo: the dashboard is at http://127.0.0.1:$(DEMO_PORT)/ (Ctrl-C stops it)"; \
	  $(BIN)/musterroll --db $(DB) serve --port $(DEMO_PORT); \
	else \
	  $(BIN)/musterroll --db $(DB) serve --port $(DEMO_PORT) --check; \
	  echo "demo: serve it again with $(BIN)/musterroll --db $(DB) serve   (http://127.0.0.1:$(DEMO_PORT)/)"; \
	fi

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

test-all: lint
	$(BIN)/python -m pytest -m ""

# Benchmarks are plain scripts (bench/bench_*.py), each printing its figures; CI skips them.
bench: install
	$(BIN)/python bench/run_all.py

# Simulation check of the estimates (issue 7; not in CI, some 15-60 minutes on 2 cores): on
# seeded simulated wars, how often the 95% interval covers the true total, per scope: the
# death toll (killed, log-linear) and the casualties (killed or ever missing, lcmcr).
# WARS, PEOPLE, LINKED (wars also linked for real) and SCOPES may be set on the command line.
# The coverage figures go to the package's estimate/data/validation.json, which the
# estimates' caveats quote (estimate.caveats): commit it with the README's figures.
WARS ?= 50
PEOPLE ?= 4000
LINKED ?= 0
SCOPES ?= killed,casualty
validate: install
	$(BIN)/python bench/validate_coverage.py --wars $(WARS) --people $(PEOPLE) --linked $(LINKED) --scopes $(SCOPES) \
	  --summary src/musterroll/estimate/data/validation.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(DEMO_DIR)
