"""The cross-source analysis: quantity groups, conflicts, corroborations, the entity index, the
source network and the counts. Reads the store; writes the analysis graph."""
