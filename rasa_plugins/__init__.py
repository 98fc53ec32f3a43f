"""Code the Rasa server itself loads by name: NLU graph components (config.yml) and the tracker and lock
stores (the endpoints file, written by deploy/endpoints.py). Nothing else imports Rasa's internals."""
