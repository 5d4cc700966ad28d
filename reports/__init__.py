"""Presentation: renders an assessment *document* (a dict). Imports neither advisor nor analyzers."""
