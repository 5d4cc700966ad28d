"""Resolution of every import form to internal modules, and of name uses through re-exports."""

from __future__ import annotations

from advisor.analysis import analyze_path


def edges(root, kinds=None):
    graph = analyze_path(str(root), use_cache=False, jobs=1).graph
    return {(e.source, e.target): e for e in graph.edges
            if kinds is None or set(e.kinds) & set(kinds)}, graph


def test_from_package_import_submodule_vs_name(tree):
    root = tree({
        "app/__init__.py": "VERSION = 1\n",
        "app/sub.py": "",
        "app/user.py": "from . import sub\nfrom . import VERSION\nfrom app import sub as s2\n",
    })
    got, _ = edges(root)
    assert set(got) == {("app.user", "app.sub"), ("app.user", "app")}
    assert got[("app.user", "app.sub")].lines == (1, 3)
    assert got[("app.user", "app")].lines == (2,)


def test_import_dotted_and_aliased_targets_the_leaf_only(tree):
    root = tree({"a/__init__.py": "", "a/b/__init__.py": "", "a/b/c.py": "def f(): pass\n",
                 "m.py": "import a.b.c as c\nimport a.b\nc.f()\n"})
    got, _ = edges(root)
    assert set(got) == {("m", "a.b.c"), ("m", "a.b")}
    assert got[("m", "a.b.c")].kinds == ("call", "import")


def test_relative_imports_levels_and_beyond_top_level(tree):
    root = tree({
        "p/__init__.py": "from .q import thing\n",
        "p/q/__init__.py": "",
        "p/q/r.py": "from .. import q\nfrom ...x import y\nfrom . import s\n",
        "p/q/s.py": "thing = 1\n",
    })
    got, graph = edges(root)
    assert set(got) == {("p", "p.q"), ("p.q.r", "p.q"), ("p.q.r", "p.q.s")}
    assert [(pr.path, pr.line) for pr in graph.problems] == [("p/q/r.py", 2)]
    assert "climbs above the top-level package" in graph.problems[0].detail


def test_re_export_chain_is_followed_for_uses(tree):
    root = tree({
        "shop/__init__.py": "from shop.api import Cart\n",
        "shop/api.py": "from shop.impl.cart import Cart\n__all__ = ['Cart']\n",
        "shop/impl/__init__.py": "from .cart import *\n",
        "shop/impl/cart.py": "class Cart:\n    pass\n",
        "client.py": "import shop\nfrom shop.impl import Cart as C2\n"
                     "def f():\n    return shop.Cart(), C2()\n",
    })
    got, _ = edges(root)
    assert set(got) >= {("client", "shop"), ("client", "shop.impl"), ("client", "shop.impl.cart")}
    call = got[("client", "shop.impl.cart")]
    assert call.kinds == ("call",) and call.weight == 2.0 and call.lines == (4,)


def test_inheritance_and_reference_kinds(tree):
    root = tree({"base.py": "class Model: pass\nCONST = 1\n",
                 "user.py": "from base import Model\nimport base\n"
                            "class User(Model):\n    limit = base.CONST\n"})
    got, _ = edges(root)
    assert got[("user", "base")].kinds == ("import", "inheritance", "reference")
    assert got[("user", "base")].weight == 4.0


def test_star_import_and_dynamic_and_tags(tree):
    root = tree({
        "plug/__init__.py": "", "plug/a.py": "X = 1\n", "plug/b.py": "",
        "core.py": """\
            from typing import TYPE_CHECKING
            from plug.a import *
            import importlib
            if TYPE_CHECKING:
                import plug.b
            def load():
                return importlib.import_module("plug.b")
            """,
    })
    got, graph = edges(root)
    assert got[("core", "plug.a")].kinds == ("import",)
    assert got[("core", "plug.b")].kinds == ("dynamic", "import")
    assert got[("core", "plug.b")].tags == ()  # not every import of plug.b is type_checking
    assert graph.stdlib["core"] == ("importlib", "typing")


def test_type_checking_only_edge_is_tagged(tree):
    root = tree({"a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import b\n",
                 "b.py": "", "c.py": "def f():\n    import b\n"})
    got, _ = edges(root)
    assert got[("a", "b")].tags == ("type_checking",)
    assert got[("c", "b")].tags == ("lazy",)


def test_namespace_packages_two_roots_and_externals(tree):
    root = tree({
        "services/src/acme/billing/__init__.py": "import requests\nfrom acme.shipping import rates\n",
        "services/src/acme/shipping/__init__.py": "",
        "services/src/acme/shipping/rates.py": "import django.db\n",
        "tools/cli/__init__.py": "from acme.billing import x\n",
    })
    got, graph = edges(root)
    assert set(got) == {("acme.billing", "acme.shipping.rates"), ("cli", "acme.billing")}
    assert graph.external == {"acme.billing": ("requests",), "acme.shipping.rates": ("django",)}


def test_unresolvable_internal_import_is_a_problem_not_an_edge(tree):
    root = tree({"app/__init__.py": "", "app/x.py": "import app.missing.deep\n"})
    got, graph = edges(root)
    assert set(got) == {("app.x", "app")}  # nearest existing ancestor, like Python's parent import
    assert graph.problems == ()


def test_package_metrics_by_hand(tree):
    from advisor.metrics import package_metrics

    # core is used by shop and pay (Ca=2, Ce=0); shop uses core and pay (Ce=2);
    # pay uses core (Ce=1) and is used by shop (Ca=1).
    root = tree({
        "core/__init__.py": "import abc\nclass Port(abc.ABC):\n    pass\nclass Impl:\n    pass\n",
        "shop/__init__.py": "import core\nimport pay\n",
        "pay/__init__.py": "import core\n",
    })
    _, graph = edges(root)
    got = {p.name: (p.ca, p.ce, p.instability, p.abstractness, p.distance)
           for p in package_metrics(graph)}
    assert got == {
        "core": (2, 0, 0.0, 0.5, 0.5),
        "pay": (1, 1, 0.5, 0.0, 0.5),
        "shop": (0, 2, 1.0, 0.0, 0.0),
    }


def test_excluding_a_tag_drops_the_whole_dependency(tree):
    from advisor.graph import filter_edges

    root = tree({"a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import b\n"
                         "def f(x: 'b.T') -> None:\n    b.T\n",
                 "b.py": "T = 1\n", "c.py": "import b\n"})
    _, graph = edges(root)
    kept = {(e.source, e.target) for e in filter_edges(graph, None, ("type_checking",))}
    assert kept == {("c", "b")}
    assert {(e.source, e.target) for e in filter_edges(graph)} == {("a", "b"), ("c", "b")}
