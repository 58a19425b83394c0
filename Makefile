# The two commands of the README:  `make run`  and  `make test`.
# Both set up everything they need on a fresh machine (virtualenv, packages,
# compiled translations); `make test` also installs Debian's Chromium for the
# browser tests and Debian's nginx for the proxy test when they are missing.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Links in emails and printed by seed_demo point at the port `make run` serves on,
# unless SITE_URL is set (an empty one counts as unset).
SITE_URL := $(or $(SITE_URL),http://localhost:$(PORT))

.PHONY: run test install messages pdflibs chromium nginx lint worker beat

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# WeasyPrint embeds font subsets with HarfBuzz-Subset when the library is there (fast);
# otherwise with fontTools, slower and with a warning per PDF.
pdflibs:
	@ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset \
	  || (command -v apt-get >/dev/null && apt-get update -qq && apt-get install -y -qq libharfbuzz-subset0) \
	  || echo "libharfbuzz-subset0 is not installed: PDFs will embed fonts through fontTools (slower)"

messages: install pdflibs
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	$(PY) manage.py compilemessages --ignore='.venv/*' -v 0

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# The proxy test (tests/test_proxy.py) runs Debian's nginx in front of gunicorn.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx \
	  || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light)

run: messages
	$(PY) manage.py migrate --noinput
	SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver 0.0.0.0:$(PORT)

test: messages chromium nginx
	$(PY) -m pytest $(PYTEST_ARGS)

# lint-imports checks the app dependency order of pyproject.toml's [tool.importlinter]
# (docs/architecture.md, "App layers").
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# One worker for every queue in development; production runs the webhooks queue on its
# own worker (docs/operations.md, "The processes").
worker: install
	$(VENV)/bin/celery -A config worker -l info -Q celery,webhooks

beat: install
	$(VENV)/bin/celery -A config beat -l info
