# Targets anyone can guess. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
export PYTHONUNBUFFERED := 1

.PHONY: setup run demo test test-fast lint fmt migrations-check messages bench check-deploy clean

# --- set-up --------------------------------------------------------------------------------
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed system-packages
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

# Debian packages the product and its tests need (gettext for translations, Chromium and CJK
# fonts for the browser tests). Installed only when missing; needs root, as on our machines.
system-packages:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# --- run -----------------------------------------------------------------------------------
demo: setup
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo

run: demo
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile

# --- test ----------------------------------------------------------------------------------
# One worker per core (pytest-xdist); a test file's tests stay together on one worker, so a
# module's seeded city is built once. Every worker has its own test database (pytest-django)
# and Redis database (conftest.py).
test: setup
	$(VENV)/bin/pytest -n auto --dist loadfile

test-fast: setup
	$(VENV)/bin/pytest -m "not browser"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete

check-deploy: $(VENV)/.installed
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=grid.example.gov.cn $(PY) manage.py check --deploy --fail-level WARNING

bench: setup
	bash bench/run.sh

clean:
	rm -rf $(VENV) node_modules var staticfiles
