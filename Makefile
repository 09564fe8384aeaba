# The two commands a newcomer needs: `make run` and `make test`. Everything else is for the team.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.DEFAULT_GOAL := run
.PHONY: run test test-fast test-sqlite test-replicas lint messages vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

# Embedded by default (SQLite under var/, tasks in-process). With DATABASE_URL and REDIS_URL set it uses them and
# also starts a Celery worker and beat, stopped again when the server stops. Served by gunicorn with threads
# (portal/gunicorn_run.py), not runserver, which reset connections under a burst of phones.
run: $(VENV)/.runtime-installed
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_regions
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo
	@export DEBUG=$${DEBUG:-true}; \
	if [ -n "$$REDIS_URL" ]; then \
		$(BIN)/celery -A portal worker --queues default,notifications,bulk,imports --loglevel INFO & worker=$$!; \
		$(BIN)/celery -A portal beat --loglevel INFO & beat=$$!; \
		trap 'kill $$worker $$beat 2>/dev/null' EXIT INT TERM; \
	fi; \
	$(BIN)/gunicorn --config portal/gunicorn_run.py portal.wsgi:application

# The whole suite against PostgreSQL and Redis (local defaults; override with DATABASE_URL / REDIS_URL), in
# TEST_WORKERS processes (pytest-xdist; TEST_WORKERS=0 runs it in one). Each worker has its own test database
# (test_<name>_gw0, _gw1, ...) and the Redis database numbered by its place in REDIS_TEST_DATABASES (gw0 the first),
# which it flushes: on a shared Redis give numbers nobody else uses. Each test module runs whole on one worker
# (--dist loadfile), so data a module builds once (tests/portal/test_demo.py) is built once.
TEST_WORKERS ?= 3
TEST_PARALLEL = $(if $(filter 0,$(TEST_WORKERS)),,--numprocesses $(TEST_WORKERS) --dist loadfile)
test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/chunfeng
test: export REDIS_URL ?= redis://127.0.0.1:6379/15
test: export REDIS_TEST_DATABASES ?= 15,14,13,12
test: export DEBUG = true
test: $(VENV)/.dev-installed node_modules/.installed
	$(BIN)/python bin/check_services.py
	$(BIN)/pytest $(TEST_PARALLEL) $(PYTEST_ARGS)

# The loop while working: everything but the browser tests (tests/e2e), which need neither chromium nor npm here.
test-fast: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/chunfeng
test-fast: export REDIS_URL ?= redis://127.0.0.1:6379/15
test-fast: export REDIS_TEST_DATABASES ?= 15,14,13,12
test-fast: export DEBUG = true
test-fast: $(VENV)/.dev-installed
	$(BIN)/python bin/check_services.py
	$(BIN)/pytest $(TEST_PARALLEL) --ignore=tests/e2e $(PYTEST_ARGS)

# The services whose code has a PostgreSQL and a SQLite path (the test modules marked `twins`), run on SQLite, the
# embedded default of `make run`, with in-process tasks and cache as `make run` has them; `make test` runs the same
# modules on PostgreSQL. pytest-django keeps the SQLite test database in memory.
test-sqlite: export DATABASE_URL = sqlite://:memory:
test-sqlite: export REDIS_URL =
test-sqlite: export DEBUG = true
test-sqlite: $(VENV)/.dev-installed
	$(BIN)/pytest -m twins --ignore=tests/e2e $(PYTEST_ARGS)

# The tests that need a PostgreSQL streaming replica and Redis Sentinel (docs/testing.md, "Read replicas" and "Redis
# Sentinel"), which `make test` skips: against a primary and replica (ports 5433, 5434) and a Redis master, replica
# and three sentinels (6391-6392, 26391-26393) of their own, started here and stopped after, whatever the outcome.
REPLICA_TESTS := tests/portal/test_read_replicas.py tests/core/test_redis_sentinel.py \
	tests/core/notifications/test_sentinel_failover.py
test-replicas: export DATABASE_URL = postgres://postgres@127.0.0.1:5433/chunfeng
test-replicas: export DATABASE_REPLICA_URLS = postgres://postgres@127.0.0.1:5434/chunfeng
test-replicas: export REDIS_URL = redis://chunfeng/1
test-replicas: export REDIS_SENTINELS = 127.0.0.1:26391,127.0.0.1:26392,127.0.0.1:26393
test-replicas: export DEBUG = true
test-replicas: $(VENV)/.dev-installed
	bin/pg-replica-pair start
	bin/redis-sentinels start
	$(BIN)/python bin/check_services.py
	$(BIN)/pytest $(REPLICA_TESTS) $(PYTEST_ARGS); status=$$?; bin/redis-sentinels stop; bin/pg-replica-pair stop; \
		exit $$status

# axe-core for the browser tests' accessibility checks (package.json, pinned by package-lock.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Browser assets served from static/vendor/ (no CDN): copied out of node_modules after a version change in package.json.
vendor: node_modules/.installed
	mkdir -p static/vendor/echarts
	cp node_modules/echarts/dist/echarts.common.min.js node_modules/echarts/LICENSE node_modules/echarts/NOTICE static/vendor/echarts/

lint: export DEBUG = true
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

# Needs GNU gettext (apt-get install gettext). The compiled .mo files are committed so that nobody else does.
messages: $(VENV)/.dev-installed
	DEBUG=true $(BIN)/python manage.py makemessages --locale en --ignore '.venv/*' --ignore 'var/*' --ignore 'node_modules/*'
	DEBUG=true $(BIN)/python manage.py compilemessages --locale en --ignore '.venv/*'

clean:
	rm -rf $(VENV) var node_modules
