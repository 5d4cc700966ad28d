"""Facts about a code base, read statically: never imported, never executed.

Everything here returns frozen dataclasses (see ``analyzers.facts``). This package imports neither
``advisor`` nor ``reports``, and nothing here prints.
"""

ANALYZER_VERSION = "5"
"""Bumped whenever the per-file facts change shape or meaning: it is part of every cache key."""
