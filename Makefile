# Set-up and everyday commands. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# PORT and HOST are passed on only when given here (`PORT=9000 make run`): otherwise
# gunicorn and the settings read them from .env, or use their defaults.
SERVE_ENV := $(if $(filter environment command line,$(origin PORT)),PORT=$(PORT)) \
	$(if $(filter environment command line,$(origin HOST)),HOST=$(HOST))
# Debug pages show settings: `make dev` listens on 127.0.0.1 unless HOST is given here,
# whatever .env says for gunicorn.
DEV_HOST := $(if $(filter environment command line,$(origin HOST)),$(HOST),127.0.0.1)
LOCK := requirements.lock

.PHONY: install secret-key var run dev test lint format migrations-check superuser lock clean bench stress audit audit-dependencies audit-lighthouse node-judges

# The virtual environment is rebuilt when the lock file changes.
$(BIN)/.installed: $(LOCK) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	touch $@

# A secret key is generated once per checkout and kept out of git; also when .env was
# made by hand (from .env.example, say) without one. Not when the environment sets one
# (a service manager): commands run from .env alone, by cron, would use another key.
# Never for a production site: each of its servers must carry the same key, or a reader
# signed in (or a comment form opened) on one is refused by the next.
# .env holds that key and the services' passwords: this account's alone, however made.
# Lines are read as the settings read them: `export NAME=value`, and values in quotes.
PRODUCTION_IN_ENV = $(shell printf '%s\n' "$$PRODUCTION" | grep -Eiqx 'true|on|ok|y|yes|1' || \
	grep -Eiqs '^(export )?PRODUCTION=["'\'']?(true|on|ok|y|yes|1)["'\'']?[[:space:]]*$$' .env \
	&& echo yes)
secret-key:
	@test ! -f .env || chmod 600 .env
	@test -n "$$SECRET_KEY" || grep -Eqs '^(export )?SECRET_KEY=.' .env || { \
		if [ "$(PRODUCTION_IN_ENV)" = yes ]; then \
		echo "PRODUCTION is true and no SECRET_KEY is set: put the key this site's other" \
		"servers use in .env (SECRET_KEY=...), or a new one on the first server:" \
		"$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2; exit 1; fi; \
		umask 077 && $(PYTHON) -c "import pathlib, secrets; \
		env = pathlib.Path('.env'); text = env.read_text() if env.exists() else ''; \
		text += '' if text.endswith(chr(10)) or not text else chr(10); \
		env.write_text(text + 'SECRET_KEY=' + secrets.token_urlsafe(50) + chr(10))" && \
		chmod 600 .env && echo "Wrote a new SECRET_KEY to .env"; }

# Only this account reads the database, its backups and exports (e-mail addresses and
# password hashes); the site serves static and media files itself. Set on every run, as
# collectstatic or the tests may have made var/ first; an operator whose web server reads
# var/media sets VAR_MODE=750 (in the environment or on the command line). The SQLite
# files stay the owner's alone even then: they are made with umask 077 below, and ones
# made before (by a plain `manage.py migrate`) are set so here.
VAR_MODE ?= 700
var:
	mkdir -p var/media
	chmod $(VAR_MODE) var
	find var -maxdepth 1 -name '*.sqlite3*' -exec chmod 600 {} +

install: $(BIN)/.installed secret-key var

run: install
	umask 077 && $(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo --if-empty
	$(SERVE_ENV) $(BIN)/gunicorn --config config/gunicorn.conf.py config.wsgi

# Templates and code change under the development server: nothing is kept between requests.
dev: install
	umask 077 && $(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(SERVE_ENV) DEBUG=true PAGE_CACHE_SECONDS=0 SITE_ROWS_CACHE_SECONDS=0 \
		$(BIN)/python manage.py runserver $(DEV_HOST):$$($(SERVE_ENV) $(BIN)/python -c \
		"import environ, os; environ.Env.read_env('.env'); print(os.environ.get('PORT', '8000'))")

# One test worker per core (pytest-xdist): browser tests spend much of their time waiting
# for pages and for the comment form's two-second minimum. A worker that runs out of tests
# takes some of the other's (worksteal), rather than wait while the other works through
# the slowest tests, dealt to it at the start. PYTEST_ARGS replaces this.
PYTEST_ARGS ?= --numprocesses=auto --maxprocesses=4 --dist worksteal
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

superuser: install
	umask 077 && $(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createsuperuser

# Benchmark on a large dataset in its own database (var/bench.sqlite3); not part of `test`.
BENCH_ENV := DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3 \
	PAGE_CACHE_GENERATION_FILE=$(CURDIR)/var/bench-generation MEDIA_ROOT=$(CURDIR)/var/bench-media
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BENCH_ENV) $(BIN)/python manage.py bench $(BENCH_ARGS)

# 500 comments from 50 concurrent readers against 4 workers, on a fresh demo database.
STRESS_ENV := DATABASE_URL=sqlite:///$(CURDIR)/var/stress.sqlite3 \
	PAGE_CACHE_GENERATION_FILE=$(CURDIR)/var/stress-generation MEDIA_ROOT=$(CURDIR)/var/stress-media
stress: install
	rm -f var/stress.sqlite3*
	$(STRESS_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(STRESS_ENV) $(BIN)/python manage.py seed_demo
	$(STRESS_ENV) $(BIN)/python manage.py stress_comments

# Refresh the exact versions after changing the ranges in pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv==0.13.9
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --quiet -o $(LOCK)

clean:
	rm -rf $(VENV) var/static

# Judges of quality that need more than Python: each step stands alone.
# Both audits always run and report; the target fails if either found a problem (the
# dependency audit also fails where the advisory service cannot be reached).
audit: install
	@status=0; \
	$(MAKE) --no-print-directory audit-dependencies || status=1; \
	$(MAKE) --no-print-directory audit-lighthouse || status=1; \
	exit $$status

# Known vulnerabilities in the exact locked versions (PyPI's advisory data, or OSV with
# AUDIT_SERVICE=osv). --strict: a package that could not be checked fails the audit too.
AUDIT_SERVICE ?= pypi
audit-dependencies: install
	$(BIN)/pip-audit --requirement $(LOCK) --no-deps --disable-pip --strict \
		--vulnerability-service $(AUDIT_SERVICE) --progress-spinner off

# The npm packages the browser tests and Lighthouse use (axe-core, vnu-jar, lighthouse);
# install scripts are skipped: none is needed, and vnu-jar's would fetch a Java runtime.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

node-judges: node_modules/.installed

# Lighthouse (mobile emulation, Debian Chromium) on the home page and an article of the
# demo site, served by gunicorn from a throwaway database; prints the four scores.
audit-lighthouse: install node-judges
	$(BIN)/python -m tests.e2e.lighthouse
