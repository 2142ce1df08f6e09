# Daicho: the two commands a fresh machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: install demo serve test test-postgres lint format bench messages clean

# The virtual environment, with every dependency pinned (pyproject.toml + constraints.txt).
$(BIN)/daicho: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(BIN)/daicho

## make demo: migrate the embedded SQLite database, load the demo organisation, serve it on :8000
demo: install
	$(BIN)/daicho demo
	$(BIN)/daicho serve --port $(PORT)

serve: install
	$(BIN)/daicho serve --port $(PORT)

## make test: every test (set DATABASE_URL=postgres://... to run them on PostgreSQL)
test: install
	$(BIN)/pytest

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/daicho} $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/daicho makemigrations --check --dry-run
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench: the speed goals of docs/performance.md (set DATABASE_URL for PostgreSQL)
bench: install
	$(BIN)/python bench/registry_list.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/demo.py
	$(BIN)/python bench/sam.py

## make messages: add the code's new strings to the Japanese catalogue (the .po is the source:
## translate them there) and compile it
messages: install
	cd daicho && ../$(BIN)/daicho makemessages -l ja --no-location --no-obsolete
	cd daicho && ../$(BIN)/daicho compilemessages -l ja

clean:
	rm -rf $(VENV) var .pytest_cache
