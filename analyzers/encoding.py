"""Compact, version-tagged tuples for per-file facts: what workers send back and the cache stores.

Plain tuples of str/int travel through pipes and ``marshal`` far faster than dataclasses.
"""

from __future__ import annotations

from analyzers.facts import (
    DataAccessFact,
    DefinitionFact,
    ImportFact,
    ModelFact,
    ParsedSource,
    ReferenceFact,
    RelationFact,
    StringRefFact,
)


def encode(parsed: ParsedSource) -> tuple:
    return (
        parsed.lines,
        tuple((i.line, i.form, i.module, i.level, i.names, i.asname, i.star, i.contexts)
              for i in parsed.imports),
        tuple((d.name, d.line, d.kind, d.bases, d.abstract) for d in parsed.definitions),
        tuple((r.line, r.name, r.kind) for r in parsed.references),
        parsed.dunder_all,
        tuple((s.line, s.value, s.context) for s in parsed.strings),
        tuple((m.name, m.line, m.framework, m.table, m.abstract, m.bases,
               tuple((r.line, r.field, r.kind, r.target) for r in m.relations), m.kind,
               m.table_rule, m.primary_key, m.proxy, m.app_label, m.meta)
              for m in parsed.models),
        tuple((a.line, a.target, a.operation, a.via, a.transaction) for a in parsed.data_access),
    )


def decode(data: tuple) -> ParsedSource:
    lines, imports, definitions, references, dunder_all, strings, models, access = data
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
        strings=tuple(StringRefFact(line, value, context) for line, value, context in strings),
        models=tuple(
            ModelFact(name, line, framework, table, abstract, tuple(bases),
                      tuple(RelationFact(*r) for r in relations), *rest)
            for name, line, framework, table, abstract, bases, relations, *rest in models
        ),
        data_access=tuple(DataAccessFact(*a) for a in access),
    )
