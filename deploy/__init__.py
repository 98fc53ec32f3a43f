"""Deployment settings: which back ends the Rasa server uses, chosen by environment variables."""
