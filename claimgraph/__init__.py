"""claimgraph: who claims what about guns and cash crossing the US-Mexico border."""

__version__ = "0.1.0"
