"""Compact, version-tagged tuples for per-file facts: what workers send back and the cache stores.

Plain tuples of str/int travel through pipes and ``marshal`` far faster than dataclasses.
"""

from __future__ import annotations

from analyzers.facts import DefinitionFact, ImportFact, ParsedSource, ReferenceFact


def encode(parsed: ParsedSource) -> tuple:
    return (
        parsed.lines,
        tuple((i.line, i.form, i.module, i.level, i.names, i.asname, i.star, i.contexts)
              for i in parsed.imports),
        tuple((d.name, d.line, d.kind, d.bases, d.abstract) for d in parsed.definitions),
        tuple((r.line, r.name, r.kind) for r in parsed.references),
        parsed.dunder_all,
    )


def decode(data: tuple) -> ParsedSource:
    lines, imports, definitions, references, dunder_all = data
    return ParsedSource(
        lines=lines,
        imports=tuple(
            ImportFact(line, form, module, level, tuple(tuple(n) for n in names), asname, star,
                       tuple(contexts))
            for line, form, module, level, names, asname, star, contexts in imports
        ),
        definitions=tuple(
            DefinitionFact(name, line, kind, tuple(bases), abstract)
            for name, line, kind, bases, abstract in definitions
        ),
        references=tuple(ReferenceFact(line, name, kind) for line, name, kind in references),
        dunder_all=tuple(dunder_all) if dunder_all is not None else None,
    )
