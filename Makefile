# Two commands for a fresh clone: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app caregiver
LIGHTHOUSE := bench/lighthouse
TRANSLATIONS := caregiver/translations
# The catalogs are kept as .po files; the compiled .mo files the app reads are built here, after
# install and again whenever a .po file changes.
CATALOGS := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
# The app builds its links from the address it serves (see BASE_URL in README.md).
export HOST PORT

.PHONY: run serve reminders test bench screenshots lint format install translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed $(COMPILED)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --domain messages --input-file $< --output-file $@

# After changing words in the code or templates: collect them, then bring each language's catalog
# up to date (new words arrive untranslated, changed ones marked fuzzy, for a person to write).
# Folders named with a leading underscore (templates/_partials) are read too: Babel skips them
# unless told which folders to leave out.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords "lazy_gettext _l lazy_ngettext:1,2" \
		--ignore-dirs ".* __pycache__" --add-location file --sort-by-file --project Caregiver \
		--output-file $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --input-file $(TRANSLATIONS)/messages.pot --output-dir $(TRANSLATIONS) \
		--domain messages --ignore-obsolete

run: $(VENV)/.installed $(COMPILED)
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	@echo ""
	@echo "  Caregiver is running at http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	@echo "  Mail is printed here and saved in instance/mail/. Reminders are sent by the"
	@echo "  scheduler running beside the web server."
	@echo ""
	@PORT=$(PORT) $(FLASK) scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production: migrate, then gunicorn (gunicorn.conf.py: workers, timeouts, a private access log)
# with the reminder scheduler beside it. Every secret comes from the environment; see
# docs/deployment.md. Schedulers on several hosts are safe: nothing is sent twice.
serve: $(VENV)/.installed $(COMPILED)
	CAREGIVER_ENV=production $(FLASK) db upgrade
	@CAREGIVER_ENV=production $(FLASK) scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	CAREGIVER_ENV=production $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

# Plan and send the reminders due now, with links on the same HOST and PORT as `make run`.
reminders: $(VENV)/.installed $(COMPILED)
	$(FLASK) reminders run-once

test: $(VENV)/.installed-test $(COMPILED)
	$(BIN)/python -m pytest --numprocesses=auto

# Lighthouse at the version its lock file pins, installed once; without npm the bench says it
# skipped Lighthouse and runs the rest.
$(LIGHTHOUSE)/node_modules/.installed: $(LIGHTHOUSE)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(LIGHTHOUSE) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "make bench: npm not found (apt-get install npm); Lighthouse will be skipped"; \
	fi

bench: $(VENV)/.installed-test $(COMPILED) $(LIGHTHOUSE)/node_modules/.installed
	$(BIN)/python -m bench

# The README's pictures: the main screens on a phone, light and dark, into docs/screenshots/.
screenshots: $(VENV)/.installed-test $(COMPILED)
	CAREGIVER_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q --instants=now \
		tests/browser/test_screenshots.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts *.egg-info $(LIGHTHOUSE)/node_modules
	rm -f $(COMPILED) $(TRANSLATIONS)/messages.pot
