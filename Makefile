# The two commands of the README:  `make run`  and  `make test`.
# Both set up everything they need on a fresh machine (virtualenv, packages,
# compiled translations); `make test` also installs Debian's Chromium for the
# browser tests when it is missing.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test install messages pdflibs chromium lint worker beat

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

run: messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 0.0.0.0:$(PORT)

test: messages chromium
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

worker: install
	$(VENV)/bin/celery -A config worker -l info

beat: install
	$(VENV)/bin/celery -A config beat -l info
