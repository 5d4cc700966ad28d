"""A corpus of hostile and broken input, written at test time (nothing binary is committed).

``build_hostile_corpus(base)`` writes ``base/repo`` (the tree to analyse) and ``base/outside``
(files the tree links to but that must never be read), and returns what the tests expect of it:
which files must be analysed, which must be listed as skipped (with a word of the reason), the
marker file that appears if anything in the tree is ever executed, and strings that must never
reach any output.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT_PAYLOAD = "</script><script>alert(1)</script>"
IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
# Imported only by files outside the root: if any output mentions it, an outside file was read.
OUTSIDE_IMPORT = "outside_secret_q7x3"
OUTSIDE_DIR_IMPORT = "outside_dir_secret_k2p9"
# Imported by a file inside the root: the control that shows such an import does reach outputs.
INSIDE_IMPORT = "inside_visible_m4v8"
# File names with markup, quotes and non-ASCII characters (no '/' is possible in a name).
WEIRD_NAME = "we<ird>&'\"é.py"  # valid code: analysed, becomes a module and a graph node
SVG_NAME = "<svg onload=alert(1)>.py"  # a top-level module: a node of the package diagram
PAYLOAD_NAME = "<img src=x onerror=alert(1)>.py"  # Python 2 code: skipped, listed in HTML
UNDECODABLE_NAME = b"bad\xffname.py"  # not valid UTF-8: cannot be named in JSON/HTML as is
HUGE_BYTES = 3_000_000
DEPTH = 5000
PARSE_TIMEOUT_S = 10
MESH = 6  # analyzers/filetree.py still walks every path through links: keep it small


@dataclass
class HostileCorpus:
    root: Path
    outside: Path
    marker: Path  # created by any file of the tree that gets executed
    analysed: set[str] = field(default_factory=set)  # paths that must be parsed
    skipped: dict[str, str] = field(default_factory=dict)  # path -> word in the reason
    # paths that must be listed as skipped, whatever the reason (deep nesting: parsed or not)
    skipped_or_analysed: set[str] = field(default_factory=set)
    never_in_output: tuple[str, ...] = (OUTSIDE_IMPORT, OUTSIDE_DIR_IMPORT)


def _evil(marker: Path) -> str:
    """A module that would leave a marker, delete its own folder and exit if it ever ran."""
    return (
        "import os, shutil, sys\n"
        f"open({str(marker)!r}, 'w').write('executed')\n"
        "shutil.rmtree(os.path.dirname(os.path.abspath(__file__)), ignore_errors=True)\n"
        "sys.exit(17)\n"
        "os._exit(17)\n"
    )


def build_hostile_corpus(base: Path) -> HostileCorpus:
    root, outside = base / "repo", base / "outside"
    marker = base / "EXECUTED"
    corpus = HostileCorpus(root=root, outside=outside, marker=marker)
    app = root / "app"
    app.mkdir(parents=True)
    outside.mkdir()
    (outside / "pkg").mkdir()

    def write(rel: str, content: str | bytes, *, analysed: bool = False,
              skipped: str | None = None) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        if analysed:
            corpus.analysed.add(rel)
        if skipped is not None:
            corpus.skipped[rel] = skipped

    # Deep nesting makes libcst crash (parentheses) or take minutes (brackets): a short time
    # limit keeps the run, and the test, quick.
    write("pyproject.toml", f"[tool.advisor]\nparse_timeout_s = {PARSE_TIMEOUT_S}\n")

    # --- files that would do harm if imported or executed ---------------------------------
    write("app/__init__.py", _evil(marker) + "from . import core\n", analysed=True)
    write("app/evil.py", _evil(marker), analysed=True)
    write("setup.py", _evil(marker), analysed=True)
    write("conftest.py", _evil(marker), analysed=True)
    write("app/core.py", f"import app.evil\nfrom app import latin, bom\nimport {INSIDE_IMPORT}\n",
          analysed=True)

    # --- encodings -------------------------------------------------------------------------
    write("app/latin.py", "# -*- coding: latin-1 -*-\nimport app.core\nname = 'caf\xe9'\n"
          .encode("latin-1"), analysed=True)
    write("app/bom.py", b"\xef\xbb\xbfimport app.latin\n", analysed=True)
    write("app/bad_utf8.py", b"import app.core\nx = '\xff\xfe caf\xe9'\n", skipped="utf-8")
    write("app/bad_cookie.py", b"# -*- coding: no-such-codec -*-\nx = 1\n", skipped="encoding")
    write("app/nul.py", b"import app.core\x00\nx = 1\n", skipped="NUL")
    write("app/binary.py", bytes(range(256)) * 64, skipped="NUL")
    write("app/empty.py", b"", analysed=True)

    # --- syntax ------------------------------------------------------------------------------
    write("app/py2.py", "print 'hello'\ntry:\n    pass\nexcept Exception, e:\n    pass\n",
          skipped="Python 2")
    write("app/broken_payload.py", f"x = {SCRIPT_PAYLOAD}\n", skipped="syntax error")
    write("app/cr_only.py", "import app.core\rx = 1\r", analysed=True)

    # --- size and depth ----------------------------------------------------------------------
    line = "VALUE_%07d = ['padding', 'padding', 'padding', 'padding']\n"
    count = HUGE_BYTES // len(line % 0) + 1
    write("app/huge.py", "".join(line % i for i in range(count)), skipped="size limit")
    write("app/deep_parens.py", "x = " + "(" * DEPTH + "1" + ")" * DEPTH + "\n")
    write("app/deep_list.py", "x = " + "[" * DEPTH + "]" * DEPTH + "\n")
    write("app/deep_dict.py", "x = " + "{'k': " * DEPTH + "1" + "}" * DEPTH + "\n")
    corpus.skipped_or_analysed |= {"app/deep_parens.py", "app/deep_list.py", "app/deep_dict.py"}

    # --- payloads in code, names and strings ---------------------------------------------------
    write("app/payload.py", (
        f'"""{SCRIPT_PAYLOAD} {IMG_PAYLOAD}"""\n'
        "import importlib\n"
        "import app.core\n"
        f"__all__ = [{SCRIPT_PAYLOAD!r}, {IMG_PAYLOAD!r}]\n"
        f"importlib.import_module({SCRIPT_PAYLOAD!r})\n"
        f"__import__({IMG_PAYLOAD!r})\n"
        f"importlib.import_module({'app.' + WEIRD_NAME[:-3]!r})\n"
        "def onerror(script=" + repr(SCRIPT_PAYLOAD) + "):\n"
        f"    return {IMG_PAYLOAD!r}\n"
        "class alert_1_:\n"
        f"    '''{IMG_PAYLOAD}'''\n"
    ), analysed=True)
    write(f"app/{WEIRD_NAME}", "from . import payload\nfrom .payload import onerror\n",
          analysed=True)
    write("app/é_module.py", "from app import payload\nimport app.payload\n", analysed=True)
    write("app/数据.py", "from . import é_module\n", analysed=True)
    write(f"app/{PAYLOAD_NAME}", "print 'no'\n", skipped="syntax error")
    write(SVG_NAME, "import app.payload\n", analysed=True)
    write("app/new\nline.py", "import app.core\n", analysed=True)
    write("app/back\\slash.py", "import app.core\n", analysed=True)
    undecodable = os.fsdecode(os.fsencode(str(app)) + b"/" + UNDECODABLE_NAME)
    Path(undecodable).write_bytes(b"import app.core\n")
    corpus.skipped["app/bad\ufffdname.py"] = "not valid UTF-8"

    # --- imports that go nowhere ---------------------------------------------------------------
    write("app/beyond.py", "from ... import nothing\nfrom .... import deeper\nx = 1\n",
          analysed=True)
    write("top_level.py", "from .. import above\nfrom . import sibling\n", analysed=True)

    # --- things that are not regular files -----------------------------------------------------
    os.mkfifo(app / "x.py")
    corpus.skipped["app/x.py"] = "not a regular file"
    (app / "folder.py").mkdir()
    write("app/folder.py/inner.py", "import app\n", analysed=True)

    # --- symlinks: loops, and files and folders outside the root --------------------------------
    (outside / "secret.py").write_text(f"import {OUTSIDE_IMPORT}\n", encoding="utf-8")
    (outside / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (outside / "pkg" / "mod.py").write_text(f"import {OUTSIDE_DIR_IMPORT}\n", encoding="utf-8")
    (app / "linked_secret.py").symlink_to(outside / "secret.py")
    corpus.skipped["app/linked_secret.py"] = "outside the analysed root"
    (app / "linked_pkg").symlink_to(outside / "pkg", target_is_directory=True)
    corpus.skipped["app/linked_pkg"] = "outside the analysed root"
    (app / "relative_escape.py").symlink_to(Path("..") / ".." / "outside" / "secret.py")
    corpus.skipped["app/relative_escape.py"] = "outside the analysed root"
    (app / "loop").symlink_to(Path(".."), target_is_directory=True)
    corpus.skipped["app/loop"] = "symlink loop"
    (app / "self_loop.py").symlink_to("self_loop.py")
    corpus.skipped["app/self_loop.py"] = "symlink"
    (app / "dangling.py").symlink_to("does_not_exist.py")
    corpus.skipped["app/dangling.py"] = "broken symlink"
    (app / "inside_link.py").symlink_to("core.py")
    corpus.analysed.add("app/inside_link.py")
    # folders that all link to one another: walked along every path through the links, n
    # folders are about e*n! walks; each must be analysed once, at its own path
    mesh = [f"mesh/f{i:02d}" for i in range(MESH)]
    for folder in mesh:
        write(f"{folder}/mod_{folder[-2:]}.py", "x = 1\n", analysed=True)
    for folder in mesh:
        for other in mesh:
            if other != folder:
                link = f"{folder}/to_{other[-3:]}"
                (root / link).symlink_to(Path("..") / other[5:], target_is_directory=True)
                corpus.skipped[link] = f"symlink to a folder analysed at {other}"
    return corpus
