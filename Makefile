# The two commands a newcomer needs: `make run` and `make test`. Everything else is for the team.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.DEFAULT_GOAL := run
.PHONY: run test test-fast test-sqlite lint messages vendor clean

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
		$(BIN)/celery -A portal worker --queues default,notifications,imports --loglevel INFO & worker=$$!; \
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
