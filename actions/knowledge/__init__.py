"""Knowledge layer: load the cited corpus, index it, and choose passages.

Plain Python with no Rasa imports, so it is tested on its own.
"""
