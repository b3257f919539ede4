"""The claimgraph vocabulary (Turtle), its SHACL shapes, and the Python namespace built from it."""

from pathlib import Path

from .namespace import CG

ONTOLOGY_DIR = Path(__file__).parent
ONTOLOGY_FILE = ONTOLOGY_DIR / "claimgraph.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
ONTOLOGY_VERSION = "1"

__all__ = ["CG", "ONTOLOGY_DIR", "ONTOLOGY_FILE", "SHAPES_FILE", "ONTOLOGY_VERSION"]
