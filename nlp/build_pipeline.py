"""Build the project's own spaCy pipeline from PyPI packages only.

Blank English + the lookup lemmatizer (tables from ``spacy-lookups-data``) + an
EntityRuler holding the domain's terms from ``nlp/entity_patterns.yml``.
No model weights are downloaded: spaCy's model host is out of reach here.

Usage: python nlp/build_pipeline.py OUTPUT_DIR
"""
import sys
from pathlib import Path

import spacy
import yaml

PATTERNS_FILE = Path(__file__).with_name("entity_patterns.yml")
PIPELINE_NAME = "ahsct_pipeline"
PIPELINE_VERSION = "1.0.0"


def ruler_patterns(patterns_file: Path = PATTERNS_FILE) -> list:
    """Turn the editor-friendly YAML into EntityRuler phrase patterns."""
    terms = yaml.safe_load(patterns_file.read_text(encoding="utf-8"))
    return [
        {"label": label, "pattern": str(phrase), "id": value}
        for label, values in terms.items()
        for value, phrases in values.items()
        for phrase in phrases
    ]


def build(patterns_file: Path = PATTERNS_FILE) -> "spacy.language.Language":
    nlp = spacy.blank("en")
    nlp.meta.update(name=PIPELINE_NAME, version=PIPELINE_VERSION)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # Rasa lower-cases text before spaCy sees it, so match on lower case.
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()  # loads the lemma lookup table from spacy-lookups-data
    ruler.add_patterns(ruler_patterns(patterns_file))
    return nlp


def main(output_dir: str) -> None:
    Path(output_dir).parent.mkdir(parents=True, exist_ok=True)
    build().to_disk(output_dir)
    print(f"spaCy pipeline written to {output_dir}")


if __name__ == "__main__":
    main(sys.argv[1])
