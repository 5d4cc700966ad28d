"""Assessment documents built in code for the report tests: complete, empty, and hostile."""

from __future__ import annotations

import copy

SCRIPT = "</script><script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
QUOTES = "q\"uo'te`s"
PAYLOADS = (SCRIPT, IMG)


def _module(name: str, lines: int, context: str | None) -> dict:
    path = name.replace(".", "/") + ".py"
    return {"name": name, "path": path, "lines": lines, "context": context, "external": []}


def full_document() -> dict:
    """A small shop with three contexts, a cycle, a complete checklist and a plan."""
    layout = {
        "shop.orders": ("orders", 120), "shop.orders.models": ("orders", 300),
        "shop.orders.views": ("orders", 220), "shop.orders.services": ("orders", 180),
        "shop.billing": ("billing", 40), "shop.billing.models": ("billing", 210),
        "shop.billing.invoices": ("billing", 340), "shop.catalog": ("catalog", 30),
        "shop.catalog.models": ("catalog", 260), "shop.catalog.search": ("catalog", 150),
        "shop.core": (None, 90), "shop.core.utils": (None, 400),
    }
    deps = [("shop.orders.views", "shop.orders.services", 4), ("shop.orders.services",
            "shop.orders.models", 6), ("shop.orders.services", "shop.billing.invoices", 3),
            ("shop.billing.invoices", "shop.orders.models", 1), ("shop.orders.models",
            "shop.orders.services", 1), ("shop.orders.models",
            "shop.catalog.models", 5), ("shop.catalog.search", "shop.catalog.models", 2),
            ("shop.billing.invoices", "shop.billing.models", 7), ("shop.orders.views",
            "shop.core.utils", 2), ("shop.catalog.search", "shop.core.utils", 1)]
    return {
        "schema_version": "1.0",
        "tool": {"name": "monolith-advisor", "version": "9.9.9"},
        "target": {"root": "/src/shop", "commit": "0123456789abcdef0123456789abcdef01234567",
                   "files_analyzed": 12, "lines": 2340,
                   "files_skipped": [{"path": "shop/legacy.py", "reason": "Python 2 syntax"}],
                   "notes": ["history window: 365 days"]},
        "modules": [_module(n, lines, ctx) for n, (ctx, lines) in sorted(layout.items())],
        "dependencies": [{"source": s, "target": t, "kinds": ["import"], "weight": w,
                          "lines": [3 + i], "tags": []} for i, (s, t, w) in enumerate(deps)],
        "problems": [{"module": "shop.orders.views", "path": "shop/orders/views.py", "line": 9,
                      "detail": "unresolved import shop.gone"}],
        "metrics": {
            "modularity": 0.41, "propagation_cost": 0.18,
            "cycles": [["shop.billing.invoices", "shop.orders.models", "shop.orders.services"]],
            "cycle_breakers": [{"modules": ["shop.billing.invoices", "shop.orders.models",
                                            "shop.orders.services"], "cut_weight": 1.0,
                                "cut": [{"source": "shop.orders.models",
                                         "target": "shop.orders.services", "weight": 1.0}]}],
            "packages": [
                {"name": "shop.orders", "modules": 4, "lines": 820, "ca": 1, "ce": 3,
                 "instability": 0.75, "abstractness": 0.0, "distance": 0.25},
                {"name": "shop.billing", "modules": 3, "lines": 590, "ca": 1, "ce": 1,
                 "instability": 0.5, "abstractness": 0.1, "distance": 0.4},
                {"name": "shop.catalog", "modules": 3, "lines": 440, "ca": 1, "ce": 1,
                 "instability": 0.5, "abstractness": 0.0, "distance": 0.5},
                {"name": "shop.core", "modules": 2, "lines": 490, "ca": 2, "ce": 0,
                 "instability": 0.0, "abstractness": 0.05, "distance": 0.95},
            ],
        },
        "contexts": [
            {"name": "orders", "modules": ["shop.orders", "shop.orders.models",
                                           "shop.orders.services", "shop.orders.views"],
             "cohesion": 0.72, "coupling": 0.31, "api_surface": ["shop.orders.services.place"],
             "tables": ["orders_order", "orders_line"], "owners": [["@shop/orders", 0.8]],
             "churn": {"commits": 41, "lines": 1200}},
            {"name": "billing", "modules": ["shop.billing", "shop.billing.invoices",
                                            "shop.billing.models"],
             "cohesion": 0.81, "coupling": 0.12, "api_surface": ["shop.billing.invoices.issue"],
             "tables": ["billing_invoice"], "owners": ["@shop/billing"], "churn": 7},
            {"name": "catalog", "modules": ["shop.catalog", "shop.catalog.models",
                                            "shop.catalog.search"],
             "cohesion": 0.66, "coupling": 0.2, "api_surface": [], "tables": ["catalog_product"]},
        ],
        "readiness": {"score": 64, "items": [
            {"id": "ci-tests", "title": "CI runs the tests", "weight": 2, "score": 1.0,
             "group": "Operations", "evidence": [{"path": ".github/workflows/ci.yml", "line": 12,
                                                  "detail": "pytest in job test"}],
             "advice": "Keep it."},
            {"id": "observability", "title": "Observability", "weight": 1.5, "score": 0.2,
             "group": "Operations", "evidence": [],
             "advice": "Add tracing and health checks before splitting."},
            {"id": "owners", "title": "Ownership aligned with contexts", "weight": 1,
             "score": 0.6, "group": "Organisation",
             "evidence": [{"path": "CODEOWNERS", "line": 3, "detail": "@shop/billing owns "
                           "shop/billing/"}], "advice": "Give catalog an owner."},
        ]},
        "recommendation": {
            "verdict": "extract", "extract_first": "billing",
            "summary": "Billing has its own tables, one owner and little coupling: extract it "
                       "first, behind the invoice API, with a strangler fig.",
            "candidates": [{"context": "billing", "score": 0.82,
                            "reasons": ["owns its tables", "coupling 0.12"]},
                           {"context": "catalog", "score": 0.55, "reasons": ["no owner"]}],
            "plan": ["Break the cycle orders -> billing -> orders",
                     {"title": "Put billing behind an API", "detail": "shop.billing.invoices.issue",
                      "evidence": [{"path": "shop/orders/services.py", "line": 5}]},
                     "Move billing_invoice to its own database"],
            "partition_notes": ["Declared packages split across contexts: shop over orders "
                                "(44%), billing (32%), catalog (24%)."],
        },
        "judgement": judgement(),
    }


def _judged(name: str, lines: int, modules: list[str], depends_on, used_by, partners,
            owners, changes: int) -> dict:
    return {"name": name, "lines": lines, "modules": modules, "depends_on": depends_on,
            "used_by": used_by, "references": {"import": len(depends_on) + len(used_by)},
            "in_cycle": bool(partners), "cycle_partners": partners, "cut": [], "tables": [],
            "foreign_writers": [], "foreign_writes": 0, "writes_elsewhere": [],
            "foreign_keys": 0, "transactions": 0, "scaling": [], "libraries": [],
            "api_surface": 1, "owners": owners, "owner": owners[0]["name"] if owners else None,
            "own_owner": bool(owners), "churn": {"changes": changes,
                                                 "share": round(changes / 58, 4)},
            "cochange": {"inside": 3, "across": 1}}


def judgement() -> dict:
    """The judgement section the full document's contexts and dependencies imply: orders and
    billing depend on each other (cut billing -> orders, the lighter direction)."""
    return {
        "lines": {"application": 2340, "in_contexts": 1850, "share": 0.7906},
        "order": ["catalog", "billing", "orders"], "owner_source": "codeowners",
        "history": True,
        "contexts": [
            _judged("billing", 590, ["shop.billing", "shop.billing.invoices",
                                     "shop.billing.models"],
                    [{"context": "orders", "weight": 1.0, "edges": 1}],
                    [{"context": "orders", "weight": 3.0, "edges": 1}], ["orders"],
                    [{"name": "@shop/billing", "share": 1.0}], 7),
            _judged("catalog", 440, ["shop.catalog", "shop.catalog.models",
                                     "shop.catalog.search"], [],
                    [{"context": "orders", "weight": 5.0, "edges": 1}], [], [], 10),
            _judged("orders", 820, ["shop.orders", "shop.orders.models", "shop.orders.services",
                                    "shop.orders.views"],
                    [{"context": "billing", "weight": 3.0, "edges": 1},
                     {"context": "catalog", "weight": 5.0, "edges": 1}],
                    [{"context": "billing", "weight": 1.0, "edges": 1}], ["billing"],
                    [{"name": "@shop/orders", "share": 0.8}], 41),
        ],
        "links": [{"source": "billing", "target": "orders", "weight": 1.0, "edges": 1,
                   "kinds": {"import": 1}, "cut": True},
                  {"source": "orders", "target": "billing", "weight": 3.0, "edges": 1,
                   "kinds": {"import": 1}, "cut": False},
                  {"source": "orders", "target": "catalog", "weight": 5.0, "edges": 1,
                   "kinds": {"import": 1}, "cut": False}],
        "cycles": [{"contexts": ["billing", "orders"],
                    "cut": [{"source": "billing", "target": "orders", "weight": 1.0,
                             "edges": [{"source": "shop.billing.invoices",
                                        "target": "shop.orders.models", "kinds": ["import"],
                                        "weight": 1.0, "path": "shop/billing/invoices.py",
                                        "lines": [6]}]}]}],
        "tangles": [],
    }


def empty_document() -> dict:
    """What the analysis writes before contexts, readiness and a verdict exist."""
    return {
        "schema_version": "1.0", "tool": {"name": "monolith-advisor", "version": "0.1.0"},
        "target": {"root": "/src/empty", "commit": None, "files_analyzed": 0, "lines": 0,
                   "files_skipped": []},
        "modules": [], "dependencies": [], "problems": [], "metrics": {"cycles": []},
        "contexts": [], "readiness": {"score": None, "items": []},
        "recommendation": {"verdict": None, "extract_first": None, "summary": None,
                           "candidates": [], "plan": []},
    }


def hostile_document() -> dict:
    """The full document with markup and quotes in every name and text the code can supply."""
    doc = copy.deepcopy(full_document())
    evil = {"shop.billing.invoices": f"shop.billing.{SCRIPT}",
            "shop.orders.models": f"shop.orders.{IMG}"}

    def rename(name: str) -> str:
        return evil.get(name, name)

    for m in doc["modules"]:
        m["path"] = m["path"].replace("invoices", f"inv{QUOTES}{IMG}")
        m["name"] = rename(m["name"])
    for d in doc["dependencies"]:
        d["source"], d["target"] = rename(d["source"]), rename(d["target"])
    doc["metrics"]["cycles"] = [[rename(n) for n in c] for c in doc["metrics"]["cycles"]]
    for b in doc["metrics"]["cycle_breakers"]:
        b["modules"] = [rename(n) for n in b["modules"]]
        for e in b["cut"]:
            e["source"], e["target"] = rename(e["source"]), rename(e["target"])
    doc["metrics"]["packages"][0]["name"] = f"shop.{SCRIPT}"
    doc["target"]["root"] = f"/src/{IMG}"
    doc["target"]["commit"] = SCRIPT
    doc["target"]["files_skipped"].append({"path": f"{IMG}.py", "reason": f"bad {SCRIPT}"})
    doc["target"]["notes"].append(f"note {IMG}")
    doc["problems"][0]["detail"] = f"unresolved {SCRIPT}"
    for c in doc["contexts"]:
        c["modules"] = [rename(n) for n in c["modules"]]
    doc["contexts"][1]["name"] = f"billing{SCRIPT}"
    judged = doc["judgement"]
    rename_context = {"billing": f"billing{SCRIPT}"}
    for c in judged["contexts"]:
        c["name"] = rename_context.get(c["name"], c["name"])
        c["modules"] = [rename(n) for n in c["modules"]]
        c["owners"].append({"name": f"@{IMG}", "share": 0.1})
        for d in c["depends_on"] + c["used_by"]:
            d["context"] = rename_context.get(d["context"], d["context"])
        c["cycle_partners"] = [rename_context.get(p, p) for p in c["cycle_partners"]]
    for lk in judged["links"]:
        lk["source"] = rename_context.get(lk["source"], lk["source"])
        lk["target"] = rename_context.get(lk["target"], lk["target"])
    judged["order"] = [rename_context.get(n, n) for n in judged["order"]]
    doc["recommendation"]["partition_notes"].append(f"note {SCRIPT} {IMG}")
    doc["contexts"][0]["api_surface"].append(f"place{IMG}")
    doc["contexts"][0]["tables"].append(f"t{QUOTES}")
    doc["contexts"][0]["owners"].append(f"@{IMG}")
    item = doc["readiness"]["items"][0]
    item["title"] = f"CI {IMG}"
    item["evidence"][0]["path"] = f"ci/{SCRIPT}.yml"
    item["evidence"][0]["detail"] = f"detail {IMG} {QUOTES}"
    item["advice"] = f"advice {SCRIPT}"
    rec = doc["recommendation"]
    rec["extract_first"] = f"billing{SCRIPT}"
    rec["candidates"][0]["context"] = f"billing{SCRIPT}"
    rec["candidates"][0]["reasons"].append(IMG)
    rec["summary"] = f"Extract {SCRIPT} now {IMG} {QUOTES}"
    rec["plan"].append(f"step {IMG}")
    rec["verdict"] = f"extract{IMG}"
    return doc


def modularize_document() -> dict:
    """Modularize first: no context to extract yet, failing items with evidence."""
    doc = copy.deepcopy(full_document())
    rec = doc["recommendation"]
    rec.update(verdict="modularize-first", extract_first=None,
               summary="Modularize first: orders and billing depend on each other.")
    doc["readiness"]["items"][2].update(
        score=0.1, evidence=[{"path": "CODEOWNERS", "line": 3, "detail": "one owner"},
                             {"path": "shop/catalog/models.py", "line": 1, "detail": "no owner"}])
    return doc
