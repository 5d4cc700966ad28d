"""The metrics and words of the report, in plain words (shown as the report's last section)."""

from __future__ import annotations

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Bounded context", (
        "A part of the code base that owns one business area (its models, rules and data) and "
        "talks to the rest through a small, explicit interface. The advisor proposes contexts "
        "from imports, calls, data access, framework references and change history.")),
    ("Shared kernel", (
        "Code many contexts lean on (utilities, base classes). It is kept apart and not treated"
        " as a service candidate.")),
    ("Verdict", (
        "monolith-first: keep one deployable and invest in the basics first. modularize-first: "
        "draw and enforce the boundaries inside the monolith before splitting. extract: the "
        "named context is ready to become its own service.")),
    ("Readiness score", (
        "0 to 100: the weighted average of the checklist items (each scored 0 to 1). It "
        "measures how ready the team and the code are to run more than one service.")),
    ("Cohesion", (
        "How much the modules of a context depend on each other rather than on the rest (0 to "
        "1, higher is better).")),
    ("Coupling", (
        "How much a context depends on, or is depended on by, other contexts (lower is better: "
        "fewer calls to turn into network calls).")),
    ("API surface", (
        "The names other contexts use from this one: what a service would have to offer over "
        "the network.")),
    ("Ca (afferent coupling)", (
        "How many other packages depend on this one.")),
    ("Ce (efferent coupling)", (
        "How many other packages this one depends on.")),
    ("Instability (I)", (
        "Ce / (Ca + Ce), from 0 to 1. 0: everyone leans on it and it leans on nothing, so it is"
        " hard to change. 1: it leans on others and nobody leans on it.")),
    ("Abstractness (A)", (
        "The share of a package's classes that are abstract (ABCs, Protocols, abstract "
        "methods).")),
    ("Distance (D)", (
        "|A + I - 1|: how far a package sits from the main sequence, the line where abstraction"
        " matches stability. Near 0 is healthy. Stable and concrete (bottom left) is the zone "
        "of pain; unstable and abstract (top right), the zone of uselessness.")),
    ("Modularity", (
        "How much more the dependencies stay inside the proposed groups than chance would give "
        "(-0.5 to 1; above about 0.3 means a clear structure).")),
    ("Propagation cost", (
        "The share of module pairs where a change in the first can ripple to the second through"
        " dependencies. Lower means changes stay local.")),
    ("Structural modularity (SM)", (
        "The mean cohesion of the proposed contexts (dependencies inside each, against its "
        "size) minus the mean coupling between pairs of contexts, from the import graph alone "
        "(higher is better).")),
    ("ICP, IFN, NED", (
        "Inter-call percentage: the share of calls and references that cross a context boundary"
        " (lower is better). Interface number: how many names a context exposes to others, on "
        "average (lower is better). Non-extreme distribution: the share of modules in contexts "
        "that are very small or very large (outside 5 to 20 modules; lower is better).")),
    ("Conductance", (
        "For a context, the dependency weight that crosses its boundary against the weight on "
        "its smaller side (0 to 1, lower is better); shown as the mean over contexts.")),
    ("MoJoFM", (
        "How close the proposed contexts are to another grouping (here the packages), from 0 "
        "(nothing alike) to 100 (the same), counted in the moves and joins that turn one into "
        "the other.")),
    ("Cycle", (
        "Modules (or contexts) that depend on each other in a loop, directly or through others."
        " None of them can be changed, tested or extracted alone.")),
    ("Cycle breaker", (
        "A light dependency which, cut (inverted through an interface, moved, or replaced by an"
        " event), leaves no loop. Suggested from the weights of the dependencies.")),
    ("DSM", (
        "Dependency structure matrix: a row uses the columns it has marks in. Providers come "
        "first, so marks above the diagonal point upward: they are the cycles.")),
    ("Weight", (
        "The number of import statements and name uses behind a dependency.")),
    ("Churn", (
        "How often the code changed in the analysed history window (commits, lines).")),
    ("Strangler fig", (
        "Extracting a service step by step: route one use case at a time to the new service "
        "while the monolith keeps serving the rest, until the old code can go.")),
)
