"""Operations evidence in the result cache (``analyzers.cache.ResultCache``), checked against
what it was read from before it is used.

The detectors decide which files to read from the listing and from what they read, so their
whole input is the listing of the tree (``FileTree.listing``) and the bytes of each file they
read (``FileTree.reads``). A cached result is kept with both; the next run lists the tree,
reads those same files again and uses the result only if the listing and every file read the
same (a file added, removed, moved or edited anywhere the detectors looked is a miss). Reading
the files back is cheap; the regular expressions over them are what is saved. The key also
holds the code of every analyzer and the limits, so another version never reads the result.

On a miss, the per-file results of the last run (``FileTree.memo``: each keyed by its file's
path and content digest) are handed to the detectors, so an edit re-reads every file but
runs the regular expressions of the files it changed only. They are kept by code and limits,
not by root: a new clone of the same repository finds them too.
"""

from __future__ import annotations

import marshal
import os
from dataclasses import fields

from analyzers.cache import ResultCache, code_digest, inputs_digest
from analyzers.facts import SkippedFile
from analyzers.filetree import Evidence, FileTree
from analyzers.operations import OperationsFacts, SuiteStats

_KIND = "operations"
_FILES_KIND = "operations-files"


def analyzers_code() -> str:
    """A digest of every module of the ``analyzers`` package (the detectors use most)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return code_digest(*(os.path.join(here, name) for name in sorted(os.listdir(here))
                         if name.endswith(".py")))


class OperationsCache:
    """``collect_operations``'s ``cache``: one result per root and limits."""

    def __init__(self, results: ResultCache, root: str, max_files: int, max_bytes: int) -> None:
        self._results = results
        code = analyzers_code()
        self._key = inputs_digest(code, os.path.realpath(root), max_files, max_bytes)
        self._files_key = inputs_digest(code, max_files, max_bytes)

    def load(self, tree: FileTree) -> OperationsFacts | None:
        """The cached facts if the tree still reads as it did for them, else None (and the
        last run's per-file results handed to ``tree``)."""
        blob = self._results.get(_KIND, self._key)
        try:
            if blob is not None:
                listing, reads, value = marshal.loads(blob)
                if listing == tree.listing and tree.unchanged(dict(reads)):
                    return load(value)
        except (ValueError, EOFError, TypeError, KeyError):
            pass
        try:
            kept = self._results.get(_FILES_KIND, self._files_key)
            tree.kept = dict(marshal.loads(kept)) if kept is not None else {}
        except (ValueError, EOFError, TypeError):
            tree.kept = {}
        return None

    def save(self, tree: FileTree, facts: OperationsFacts) -> None:
        self._results.put(_KIND, self._key, marshal.dumps(
            (tree.listing, tuple(sorted(tree.reads.items())), dump(facts))))
        self._results.put(_FILES_KIND, self._files_key, marshal.dumps(tuple(tree.made.items())))


def _row(value) -> tuple:
    return tuple(getattr(value, f.name) for f in fields(value))


def dump(facts: OperationsFacts) -> tuple:
    """The facts as plain tuples, in field order."""
    out = []
    for f in fields(OperationsFacts):
        value = getattr(facts, f.name)
        if f.name == "test_stats":
            value = _row(value)
        elif f.name == "skipped" or (f.name != "notes" and isinstance(value, tuple)):
            value = tuple(_row(item) for item in value)
        out.append(value)
    return tuple(out)


def load(values: tuple) -> OperationsFacts:
    """What ``dump`` wrote, back to facts; raises ValueError or TypeError if it does not fit."""
    kwargs = dict(zip((f.name for f in fields(OperationsFacts)), values, strict=True))
    for name, value in kwargs.items():
        if name == "test_stats":
            kwargs[name] = SuiteStats(*value)
        elif name == "skipped":
            kwargs[name] = tuple(SkippedFile(*row) for row in value)
        elif name not in ("notes", "files_scanned"):
            kwargs[name] = tuple(Evidence(*row) for row in value)
    return OperationsFacts(**kwargs)
