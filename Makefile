# Developer entry points. `make run` and `make test` set everything up on a clean clone.
#   make run       venv + deps, translations, migrations, demo data, dev server on http://127.0.0.1:5000
#   make test      venv + deps, translations, the whole pytest suite (unit + browser)
#   make setup     only the venv and deps (reinstalled only when pyproject.toml changes)
#   make messages  extract strings to messages.pot and update the English catalog
#   make compile   compile the .po catalogs to .mo (gitignored)
#   make lint      syntax check of the package and the tests
#   make fuzz      the no-5xx fuzz test at length: FUZZ_EXAMPLES (default 50) random examples per route and role
#                  (the suite runs 2, derandomized); with TEST_DATABASE_URL on PostgreSQL too
#   make clean     remove the venv, compiled catalogs and caches

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app innovation
PYBABEL := $(BIN)/pybabel
TRANSLATIONS := innovation/translations
POT := $(TRANSLATIONS)/messages.pot
LOCALES := en
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test setup messages compile lint clean fuzz
FUZZ_EXAMPLES ?= 50

run: setup compile
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Serving on http://$(HOST):$(PORT) (SQLite, demo data; Ctrl-C to stop)"
	FLASK_DEBUG=1 $(FLASK) run --host $(HOST) --port $(PORT)

test: setup compile
	@$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: FAILED, no tests ran (pytest exit code 5)" >&2; fi; \
	exit $$status

setup: $(STAMP)

# The stamp is newer than pyproject.toml once its dependencies are installed: a second run is instant.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv" >&2; \
	  rm -rf $(VENV); exit 1; }
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $@

compile: setup
	$(PYBABEL) compile --statistics -d $(TRANSLATIONS)

messages: setup
	@mkdir -p $(TRANSLATIONS)
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext -k say -k say_n:1,2 --sort-by-file --width 120 \
	  --project=innovation --copyright-holder="" -o $(POT) . templates/_macros
	@for lang in $(LOCALES); do \
	  if [ -f $(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(PYBABEL) update --width 120 --ignore-obsolete --no-fuzzy-matching -i $(POT) -d $(TRANSLATIONS) -l $$lang; \
	  else \
	    $(PYBABEL) init -i $(POT) -d $(TRANSLATIONS) -l $$lang; \
	  fi; \
	done
	@$(BIN)/python -c "from babel.messages.pofile import read_po; \
	  c = read_po(open('$(TRANSLATIONS)/en/LC_MESSAGES/messages.po', 'rb')); \
	  todo = [m.id for m in c if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)]; \
	  print(f'{len(todo)} English strings to translate (empty or fuzzy)')"

fuzz: setup compile
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_RANDOM=1 $(BIN)/pytest -q -p no:cacheprovider tests/test_fuzz.py $(PYTEST_ARGS)

lint: setup
	$(BIN)/python -m compileall -q innovation tests

clean:
	rm -rf $(VENV) .pytest_cache
	find $(TRANSLATIONS) -name '*.mo' -delete 2>/dev/null || true
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +
