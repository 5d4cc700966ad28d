from __future__ import annotations

import json

from tests.functional.cli import advisor

APP = {
    "pyproject.toml": "[project]\nname = 'shop'\n",
    "src/shop/__init__.py": "",
    "src/shop/orders.py": "from shop import billing\n\ndef place():\n    return billing.charge()\n",
    "src/shop/billing.py": "import stripe\n\ndef charge():\n    return 1\n",
    "src/shop/broken.py": "def oops(:\n",
}


def test_graph_json_contract(tree):
    root = tree(APP)
    run = advisor("graph", root, "--format", "json", "--no-cache")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert [n["id"] for n in doc["nodes"]] == ["shop", "shop.billing", "shop.orders"]
    assert doc["nodes"][1] == {"id": "shop.billing", "path": "src/shop/billing.py", "lines": 4,
                               "external": ["stripe"]}
    assert doc["edges"] == [{"source": "shop.orders", "target": "shop.billing",
                             "kinds": ["call", "import"], "weight": 2.0, "lines": [1, 4],
                             "tags": []}]
    assert [s["path"] for s in doc["skipped"]] == ["src/shop/broken.py"]
    assert doc["skipped"][0]["reason"].startswith("syntax error at line 1")
    assert "1 file(s) skipped" in run.err


def test_graph_dot_and_package_level_and_filters(tree):
    root = tree(APP)
    dot = advisor("graph", root, "--format", "dot", "-q")
    assert dot.code == 0 and dot.err == ""
    assert dot.out.startswith("digraph dependencies {")
    assert '"shop.orders" -> "shop.billing"' in dot.out
    pkg = json.loads(advisor("graph", root, "--level", "package", "-q").out)
    assert [n["id"] for n in pkg["nodes"]] == ["shop"] and pkg["edges"] == []
    calls = json.loads(advisor("graph", root, "--kinds", "import", "-q").out)
    assert calls["edges"][0]["kinds"] == ["import"]
    bad = advisor("graph", root, "--kinds", "imports")
    assert bad.code == 2 and "unknown kind 'imports'" in bad.err


def test_output_file_and_determinism(tree, tmp_path):
    root = tree(APP)
    out1, out2 = tmp_path / "g1.json", tmp_path / "g2.json"
    assert advisor("graph", root, "-o", out1, "-q").code == 0
    assert advisor("graph", root, "-o", out2, "-q", "--no-cache", "-j", "1").code == 0
    assert out1.read_bytes() == out2.read_bytes()


def test_input_errors_exit_2_with_one_line(tree, tmp_path):
    missing = advisor("graph", tmp_path / "nope")
    assert missing.code == 2 and missing.err.count("\n") == 1 and "no such directory" in missing.err
    file_path = tmp_path / "f.py"
    file_path.write_text("x = 1\n")
    assert advisor("graph", file_path).code == 2
    empty = tree({"README.md": "hi"})
    run = advisor("graph", empty)
    assert run.code == 2 and "no Python files" in run.err


def test_config_unknown_key_is_an_error_naming_it(tree):
    root = tree({**APP, "pyproject.toml": "[tool.advisor]\nexclud = ['x']\n"})
    run = advisor("graph", root)
    assert run.code == 2 and "unknown key 'exclud'" in run.err


def test_config_exclude_and_size_limit(tree):
    root = tree({**APP, "pyproject.toml": "[tool.advisor]\nexclude = ['billing.py']\n"
                                          "max_file_size_kb = 1\n",
                 "src/shop/data.py": "X = 1\n" * 400})
    doc = json.loads(advisor("graph", root, "-q").out)
    assert [n["id"] for n in doc["nodes"]] == ["shop", "shop.orders"]
    reasons = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert "larger than the file size limit" in reasons["src/shop/data.py"]


def test_analyze_writes_report_and_assessment(tree, tmp_path):
    root = tree(APP)
    out = tmp_path / "out"
    golden = {"ADVISOR_GOLDEN": "1"}  # no date line: the two renderings may straddle a minute
    run = advisor("analyze", root, "-o", out, env=golden)
    assert run.code == 0, run.err
    doc = json.loads((out / "assessment.json").read_text())
    assert doc["schema_version"].startswith("1.")
    assert doc["target"]["files_analyzed"] == 3
    assert doc["dependencies"][0]["source"] == "shop.orders"
    html = (out / "report.html").read_text()
    assert "<html" in html and "Content-Security-Policy" in html
    again = advisor("report", out / "assessment.json", "-o", tmp_path / "re.html", env=golden)
    assert again.code == 0 and (tmp_path / "re.html").read_text() == html


def test_help_teaches_and_version():
    run = advisor("--help")
    assert run.code == 0 and "advisor analyze PATH" in run.out
    assert "--exclude-tag [lazy|conditional|type_checking]" in advisor("graph", "--help").out
    assert advisor("--version").out.startswith("advisor, version ")


def test_outputs_are_readable_by_others(tree, tmp_path):
    import os
    import stat

    root = tree(APP)
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        assert advisor("analyze", root, "-o", out, "-q").code == 0
    finally:
        os.umask(old)
    mode = stat.S_IMODE((out / "report.html").stat().st_mode)
    assert mode == 0o644


INJECTED = "a\n::warning file=x::pwned.py"  # a file name that is a GitHub workflow command


def test_graph_dot_keeps_names_from_the_tree_as_data(tree):
    """Issue 15: a file name must not start an output line (``::warning`` is then a workflow
    command in GitHub Actions) nor put terminal escapes or bidi controls on stdout; the DOT
    stays valid for Graphviz, every module one node."""
    import re
    import subprocess
    import sys

    from reports.diagrams import DiagramError, find_renderer

    root = tree({**APP, f"src/shop/{INJECTED}": "from shop import billing\n",
                 "src/shop/b\x1b]0;pwned\x07\u202egnp.py": "import shop.orders\n",
                 "src/shop/c\r::error::x.py": "import shop\n"})
    proc = subprocess.run([sys.executable, "-m", "advisor", "graph", str(root), "--format",
                           "dot", "-q"], capture_output=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    assert not [line for line in out.splitlines() if line.lstrip().startswith("::")]
    assert b"\x1b" not in proc.stdout and b"\x07" not in proc.stdout and b"\r" not in proc.stdout
    assert "\u202e" not in out
    assert '"shop.a\\n::warning file=x::pwned" -> "shop.billing"' in out
    assert '"shop.b\\x1b]0;pwned\\x07\\u202egnp" -> "shop.orders"' in out
    renderer = find_renderer()
    if renderer is None:
        return  # no Graphviz here: the checks above still hold
    try:
        svg = renderer.render(out)
    except DiagramError as exc:
        raise AssertionError(f"Graphviz rejected the DOT: {exc}") from None
    assert len(re.findall(r'class="node"', svg)) == 6  # shop, billing, orders and the three


BIG = {
    "shop/__init__.py": "",
    "shop/orders/__init__.py": "",
    "shop/orders/models.py": "from shop.billing import models as bm\n\nX = bm.Y\n",
    "shop/orders/views.py": "from shop.orders import models\n\nV = models.X\n",
    "shop/billing/__init__.py": "",
    "shop/billing/models.py": "from shop.orders import views\n\nY = 1\nZ = views.V\n",
    "shop/catalog/__init__.py": "",
    "shop/catalog/models.py": "from shop.orders import models\n\nC = models.X\n",
    "shop/search/__init__.py": "",
    "shop/search/index.py": "from shop.catalog import models\n\nI = models.C\n",
}


def test_graph_depth_focus_cycles_only_and_mermaid(tree):
    """The options that make a big graph drawable (issue: 455 packages, 3.8k edges never
    finished in Graphviz): fold to a depth, a module's neighbourhood, the cycles alone."""
    root = tree(BIG)
    folded = json.loads(advisor("graph", root, "--depth", "2", "-q").out)
    assert [n["id"] for n in folded["nodes"]] == ["shop", "shop.billing", "shop.catalog",
                                                 "shop.orders", "shop.search"]
    pairs = {(e["source"], e["target"]) for e in folded["edges"]}
    assert pairs == {("shop.orders", "shop.billing"), ("shop.billing", "shop.orders"),
                     ("shop.catalog", "shop.orders"), ("shop.search", "shop.catalog")}
    assert folded["depth"] == 2
    near = json.loads(advisor("graph", root, "--depth", "2", "--focus", "shop.catalog",
                              "-q").out)
    assert {n["id"] for n in near["nodes"]} == {"shop.catalog", "shop.orders", "shop.search"}
    cycles = json.loads(advisor("graph", root, "--depth", "2", "--cycles-only", "-q").out)
    assert {n["id"] for n in cycles["nodes"]} == {"shop.billing", "shop.orders"}
    assert {(e["source"], e["target"]) for e in cycles["edges"]} == {
        ("shop.orders", "shop.billing"), ("shop.billing", "shop.orders")}
    mermaid = advisor("graph", root, "--depth", "2", "--cycles-only", "--format", "mermaid", "-q")
    assert mermaid.code == 0 and mermaid.out.splitlines()[0] == "flowchart LR"
    assert '["shop.billing"]' in mermaid.out and mermaid.out.count("-->") == 2
    missing = advisor("graph", root, "--focus", "shop.nothing", "-q")
    assert missing.code == 2 and "--focus" in missing.err and "shop.nothing" in missing.err


def test_mermaid_labels_cannot_end_the_label_or_start_markup():
    from reports.mermaid import label, to_mermaid

    assert label('a"] --> evil["x') == "a#quot;#93; --#gt; evil#91;#quot;x"
    text = to_mermaid({"nodes": [{"id": 'x"<b>'}], "edges": []})
    assert text == 'flowchart LR\n    n0["x#quot;#lt;b#gt;"]\n'
