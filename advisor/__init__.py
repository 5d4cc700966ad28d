"""monolith-advisor: decisions (graph, clustering, readiness, verdict, gate) and the CLI."""

__version__ = "0.1.0"
