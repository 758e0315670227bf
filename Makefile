# The two commands: `make run` (demo on the seed article) and `make test`.
# Both set everything up first and are fast when everything is already there.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

# The settings refuse to start without a secret key. Unless one is given, the demo and the tests
# use a random key generated once and kept, readable by its owner only, in the data directory.
DATA_DIR := $(or $(FACTCHECK_DATA_DIR),.data)
SECRET_KEY_FILE := $(DATA_DIR)/secret_key
ifndef DJANGO_SECRET_KEY
export DJANGO_SECRET_KEY_FILE ?= $(abspath $(SECRET_KEY_FILE))
endif

.PHONY: run test install system-packages lint typecheck bench dbstop clean

run: install $(SECRET_KEY_FILE)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py demo
	@echo "Serving on http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs/)"
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

test: install $(SECRET_KEY_FILE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/bandit -q -c pyproject.toml -r factcheck claims sources
	$(BIN)/pytest

install: system-packages $(STAMP)

$(SECRET_KEY_FILE):
	mkdir -p $(DATA_DIR)
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50), end='')" > $@.tmp
	mv $@.tmp $@

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The local CPU wheel first: an unpinned torch would pull GBs of CUDA builds.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Debian packages the tests need: Chromium for browser tests, Pango for WeasyPrint PDFs.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: install $(SECRET_KEY_FILE)
	$(BIN)/mypy

bench: install $(SECRET_KEY_FILE)
	@command -v wrk >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/run.py

dbstop: $(SECRET_KEY_FILE)
	$(BIN)/python manage.py dbserver stop

clean: dbstop
	rm -rf $(VENV) .data
