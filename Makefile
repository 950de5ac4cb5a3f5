# WeGO Portal — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
# Exported so that settings derive SITE_URL (links in e-mails) from the port actually served.
export PORT

# Python >= 3.12: python3.13 or python3.12 on PATH, else one of pyenv's installed versions.
PYTHON ?= $(shell for v in 3.13 3.12; do \
	  if command -v python$$v >/dev/null 2>&1 && python$$v -c 'import sys' >/dev/null 2>&1; then command -v python$$v; exit; fi; \
	  root=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
	  for p in $$root/versions/$$v*/bin/python$$v; do if [ -x "$$p" ]; then echo "$$p"; exit; fi; done; \
	done)

.PHONY: help run test typecheck lint bench bench-data lock worker beat clean check-deploy demo messages catalogues cluster-test loadtest

# The shipped languages besides English (locale/<code>/LC_MESSAGES/django.po).
LOCALES := ko zh_Hans ru es fr ar tr

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements/dev.txt
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Python 3.12 or 3.13 is required but was not found on PATH or in pyenv." >&2; \
	  echo "Install it (e.g. 'pyenv install 3.13' or your system's python3.13 package) and run make again." >&2; \
	  exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	@touch $@

venv: $(BIN)/.installed

catalogues: venv ## Compile the message catalogues (.po -> .mo) with polib; no GNU gettext needed
	$(PY) manage.py compile_catalogues

messages: venv ## Extract the translatable strings and update every language's catalogue (needs GNU gettext)
	$(PY) manage.py makemessages $(addprefix -l ,$(LOCALES)) --add-location=file \
	  --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles --ignore=node_modules
	$(PY) manage.py compile_catalogues

run: venv catalogues ## Run the portal on http://127.0.0.1:$(PORT) (SQLite, eager tasks, console e-mail, WeGO data, demo accounts)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_wego_data
	$(PY) manage.py load_wego_library
	$(PY) manage.py demo_accounts
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

BANDIT_TARGETS := $(sort $(patsubst %/apps.py,%,$(wildcard */apps.py)) wego_portal)

# The database `make test` runs on: DATABASE_URL when set; else PostgreSQL at the default
# address when it answers (so the concurrency proofs run on any machine that has it); else SQLite.
DEFAULT_TEST_DATABASE_URL := postgres://postgres@127.0.0.1:5432/wego
TEST_DATABASE_URL = $(or $(DATABASE_URL),$(shell $(PY) -c "import psycopg; psycopg.connect('$(DEFAULT_TEST_DATABASE_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=2).close(); print('$(DEFAULT_TEST_DATABASE_URL)')" 2>/dev/null))

# The floor of the test suite's line coverage of the apps (make test fails below it): what the
# whole suite reaches on PostgreSQL + Redis (94.8% when it was set), rounded down.
COVERAGE_FLOOR ?= 94

# Parallel test workers (pytest-xdist): two where the machine has two cores or more, else 0 (one
# process); e.g. TEST_WORKERS=4 on a larger machine. Each worker has its own test database
# (test_<name>_gw0, ...) and cache key prefix. The suite runs under `coverage run`, which measures
# every worker (and the suite's own Python subprocesses) from its first line (pyproject.toml:
# parallel, patch = subprocess); their data files are combined before the report and the floor.
TEST_WORKERS ?= $(shell [ "$$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -ge 2 ] && echo 2 || echo 0)

test: venv catalogues ## Run ruff, bandit, mypy and the whole test suite with coverage (PostgreSQL when reachable, else SQLite; two workers in parallel, TEST_WORKERS=0 for one process)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -ll -r $(BANDIT_TARGETS) -x "*/migrations/*"
	$(BIN)/mypy
	$(BIN)/coverage erase
	status=0; COVERAGE_CORE=sysmon DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/coverage run -m pytest \
	  -p no:cov $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder) --durations=25 \
	  || status=$$?; \
	$(BIN)/coverage combine --quiet && $(BIN)/coverage report --fail-under=$(COVERAGE_FLOOR) \
	  && echo "Coverage floor of $(COVERAGE_FLOOR)% reached." || status=$$(( status ? status : 2 )); \
	exit $$status

typecheck: venv ## mypy over the apps (django-stubs, djangorestframework-stubs)
	$(BIN)/mypy

lint: venv ## ruff and bandit
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -ll -r $(BANDIT_TARGETS) -x "*/migrations/*"

check-deploy: venv ## Run `check --deploy` under production settings with throw-away values
	DJANGO_ENV=production DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	DJANGO_ALLOWED_HOSTS=portal.example.org DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wego} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} CACHE_URL=$${CACHE_URL:-redis://127.0.0.1:6379/1} \
	$(PY) manage.py check --deploy --fail-level WARNING

worker: venv ## Run a Celery worker on the default and the sweeper queue (needs REDIS_URL)
	$(BIN)/celery -A wego_portal worker -l info -Q celery,outbox-sweep

beat: venv ## Run Celery beat (needs REDIS_URL)
	$(BIN)/celery -A wego_portal beat -l info

cluster-test: venv catalogues ## Two gunicorn nodes behind HAProxy, two workers, beat, S3 and an SMTP sink: sessions, files, rate limits, exactly-once delivery (needs PostgreSQL, Redis, haproxy)
	$(PY) ops/cluster_test.py

loadtest: venv catalogues ## Locust against the cluster of cluster-test at 100,000 organizations; report in bench/results.md (not in CI; LOADTEST_USERS, LOADTEST_DURATION, LOADTEST_SCALE)
	$(PY) ops/loadtest/run.py

bench: venv ## Benchmarks as production runs (gunicorn, Redis, PostgreSQL) at 1,000 and 100,000 organizations; BENCH_SCALE=1000000 adds a million (see bench/)
	BENCH_SCALE="$(BENCH_SCALE)" $(PY) bench/run.py

bench-data: venv ## Build (or keep) the benchmark's databases only; BENCH_SCALE=1000000 adds a million
	BENCH_SCALE="$(BENCH_SCALE)" $(PY) bench/data.py

lock: ## Recompile the locked requirements (needs network)
	$(PY) -m pip install --quiet pip-tools
	cd requirements && ../$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o base.txt base.in
	cd requirements && ../$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o dev.txt dev.in

clean: ## Remove the virtualenv, the SQLite database and build output
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .test-media sent_emails
