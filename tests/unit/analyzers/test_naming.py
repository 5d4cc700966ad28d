from __future__ import annotations

from analyzers.discovery import discover
from analyzers.facts import ImportFact
from analyzers.naming import assign_names


def names_for(root, imports=(), source_roots=()):
    found = discover(str(root))
    naming = assign_names([f.path for f in found.files], found.package_dirs, list(imports),
                          root.name, source_roots)
    return {p: n for p, (n, _) in naming.names.items()}, naming


def imp(module):
    return ImportFact(line=1, form="import", module=module)


def test_flat_and_src_layout_and_scripts(tree):
    root = tree({"src/shop/__init__.py": "", "src/shop/cart.py": "", "manage.py": "",
                 "tools/deploy.py": ""})
    names, naming = names_for(root)
    assert names == {"src/shop/__init__.py": "shop", "src/shop/cart.py": "shop.cart",
                     "manage.py": "manage", "tools/deploy.py": "deploy"}
    assert naming.source_roots == (".", "src", "tools")


def test_two_roots(tree):
    root = tree({"backend/api/__init__.py": "", "backend/api/views.py": "",
                 "worker/jobs/__init__.py": "", "worker/jobs/run.py": ""})
    names, _ = names_for(root)
    assert names["backend/api/views.py"] == "api.views"
    assert names["worker/jobs/run.py"] == "jobs.run"


def test_namespace_package_decided_by_imports(tree):
    files = {"src/acme/billing/__init__.py": "", "src/acme/billing/invoice.py": "",
             "src/acme/shipping/__init__.py": ""}
    root = tree(files)
    names, _ = names_for(root, [imp("acme.billing.invoice")])
    assert names["src/acme/billing/invoice.py"] == "acme.billing.invoice"
    assert names["src/acme/shipping/__init__.py"] == "acme.shipping"
    names, _ = names_for(root, [imp("billing.invoice")])
    assert names["src/acme/billing/invoice.py"] == "billing.invoice"


def test_configured_source_roots_win(tree):
    root = tree({"src/acme/billing/__init__.py": "", "src/acme/billing/invoice.py": ""})
    names, _ = names_for(root, source_roots=("src",))
    assert names["src/acme/billing/invoice.py"] == "acme.billing.invoice"


def test_root_that_is_itself_a_package(tree):
    root = tree({"__init__.py": "", "core.py": "", "sub/__init__.py": ""}, name="mypkg")
    names, _ = names_for(root)
    assert names == {"__init__.py": "mypkg", "core.py": "mypkg.core", "sub/__init__.py": "mypkg.sub"}


def test_colliding_script_names_are_disambiguated(tree):
    root = tree({"conftest.py": "", "tests/conftest.py": "", "docs/conftest.py": ""})
    names, naming = names_for(root)
    assert names == {"conftest.py": "conftest", "docs/conftest.py": "docs.conftest",
                     "tests/conftest.py": "tests.conftest"}
    assert len(naming.notes) == 1 and "conftest" in naming.notes[0]
