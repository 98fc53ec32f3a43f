"""Safety checks on a visitor's message, in plain Python (no Rasa), tested on their own."""
