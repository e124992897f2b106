# Two commands set up everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint typecheck unit postgres bench bench-smoke constraints clean server pool worker task-workers deploy web

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

install: $(STAMP)

demo: install
	$(BIN)/mentorledger demo

# The web app (README: "Running as a service"). Needs MENTORLEDGER_WEB_SECRET and a mail server (or
# web.oidc); `make web DEMO=1` serves the demo department on loopback with a printed sign-in link.
WEB_HOST ?= 127.0.0.1
WEB_PORT ?= 8000
web: install
	$(if $(DEMO),MENTORLEDGER_DATABASE_URL=$${MENTORLEDGER_DATABASE_URL:-sqlite:///$(CURDIR)/out/demo-ledger.db}) \
		$(BIN)/mentorledger web --config $(CONFIG) --host $(WEB_HOST) --port $(WEB_PORT) $(if $(DEMO),--demo)

# The SQLite run, the PostgreSQL run and the bench smoke run side by side: each test has its own
# database (a file, or a schema of its own), ports and temporary folders, and the PostgreSQL run spends
# most of its time waiting on the server, so together they take little longer than the longest alone.
# Each run's output is printed whole when it ends.
test: install lint typecheck
	$(MAKE) --no-print-directory -j3 --output-sync=target unit postgres bench-smoke

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

postgres: install
	$(BIN)/pytest --backend=postgresql

# The scale benchmark (README: "Performance"): `make bench N=1000` prints one Markdown table row of a
# generated N-faculty institution (default 100); BENCH_ARGS passes more options (e.g. --no-header).
bench: install
	$(BIN)/python benchmarks/bench_scale.py --faculty $(if $(filter command line,$(origin N)),$(N),100) $(BENCH_ARGS)

# CI's smoke of it: tiny calendars, checks that the table is printed (no time is asserted).
bench-smoke: install
	$(BIN)/python benchmarks/bench_scale.py --faculty 6 --series 2 --weeks 5 --singles 10 --tagged 5 \
		--events 100 | tee /dev/stderr | grep -q '^| N faculty | instances | full sync'

constraints: install
	{ head -n2 constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -vi '^mentorledger'; } > constraints.new
	mv constraints.new constraints.txt

clean:
	rm -rf $(VENV) var out .pytest_cache .mypy_cache .ruff_cache

# ---- Running as a service (README: "Running as a service") -------------------------------------------
# One machine: `make server`, then in other terminals `make worker`, `make task-workers N=4`, `make deploy`.
PG_URL            ?= postgresql://postgres@127.0.0.1:5432
PREFECT_HOST      ?= 127.0.0.1
PREFECT_PORT      ?= 4200
PREFECT_DB_URL    ?= $(subst postgresql:,postgresql+asyncpg:,$(PG_URL))/prefect
LEDGER_URL        ?= $(subst postgresql:,postgresql+psycopg:,$(PG_URL))/mentorledger
CONFIG            ?= config/demo/department.yaml
POOL              ?= mentorledger-process
N                 ?= 4
DEPLOYMENTS       ?= --all
# Every service process: the same Prefect API, ledger, and result storage (task results cross processes).
# MENTORLEDGER_HOME: the checkout the workers run in, and where a default SQLite ledger would live.
SERVICE_ENV = PREFECT_API_URL=http://$(PREFECT_HOST):$(PREFECT_PORT)/api \
	MENTORLEDGER_DATABASE_URL=$(LEDGER_URL) \
	MENTORLEDGER_HOME=$(CURDIR) \
	PREFECT_LOCAL_STORAGE_PATH=$(CURDIR)/var/prefect-storage \
	PREFECT_SERVER_ANALYTICS_ENABLED=false \
	PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW=ignore

server: install
	$(BIN)/python -m mentorledger.store.admin create $(PREFECT_DB_URL)
	$(BIN)/python -m mentorledger.store.admin create --migrate $(LEDGER_URL)
	PREFECT_API_DATABASE_CONNECTION_URL=$(PREFECT_DB_URL) PREFECT_SERVER_ANALYTICS_ENABLED=false \
		$(BIN)/prefect server start --host $(PREFECT_HOST) --port $(PREFECT_PORT)

pool: install
	$(SERVICE_ENV) $(BIN)/prefect work-pool inspect $(POOL) >/dev/null 2>&1 || \
		$(SERVICE_ENV) $(BIN)/prefect work-pool create $(POOL) --type process

worker: pool
	$(SERVICE_ENV) $(BIN)/prefect worker start --pool $(POOL) --type process

task-workers: install
	@trap 'kill $$(jobs -p) 2>/dev/null' INT TERM EXIT; \
	for i in $$(seq 1 $(N)); do \
		$(SERVICE_ENV) $(BIN)/prefect task serve tasks/sync.py:sync_calendar_batch --limit 4 & \
	done; \
	wait

deploy: pool
	$(SERVICE_ENV) MENTORLEDGER_CONFIG=$(abspath $(CONFIG)) \
		$(BIN)/prefect --no-prompt deploy $(DEPLOYMENTS)
