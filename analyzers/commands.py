"""What a command line of a CI pipeline does, read statically. A question (``Ctx.leaf``: does
this simple command run the tests, does it deploy) is asked of the line, and of the files the
line calls: a script of the repository (the ``case`` branch its argument selects, the shell
functions it calls), a Makefile target (recipe, then prerequisites, variables expanded), an npm
script of package.json, and for a command run in a container, the ``case`` branch of the
image's entrypoint script. Files are read through the tree's guarded reader, each once per
question, never executed; ``runs_tests`` is the test question."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from analyzers.filetree import FileTree
from analyzers.pipelines import shell_commands
from analyzers.shellwords import (
    ASSIGNMENT,
    after_options,
    base,
    case_branches,
    container_command,
    is_function_definition,
    make_expand,
    makefile_rules,
    segments,
    select_branch,
    shell_functions,
    unwrap,
)

MAX_DEPTH = 5  # files followed from one command line


class Repo:
    """The repository as commands see it: files by path, read through the tree's reader."""

    def __init__(self, tree: FileTree, dockerfiles: Iterable[str] = ()) -> None:
        self.tree = tree
        self.paths = frozenset(tree.paths)
        self.dockerfiles = tuple(dockerfiles)
        self._entrypoints: tuple[str, ...] | None = None
        self._parsed: dict[tuple[str, object], object] = {}
        self._branches: dict[tuple[str, str], str | None] = {}
        self.followed: dict[tuple, Chain | None] = {}  # each file followed once per question

    def branch(self, path: str, word: str) -> str | None:
        """The ``case`` branch of a script that ``word`` selects, computed once."""
        key = (path, word)
        if key not in self._branches:
            self._branches[key] = select_branch(self.parsed(path, case_branches), word)
        return self._branches[key]

    def parsed(self, path: str, parse):
        """``parse(text)`` of a file, computed once."""
        key = (path, parse)
        if key not in self._parsed:
            self._parsed[key] = parse(self.read(path) or "")
        return self._parsed[key]

    def read(self, path: str) -> str | None:
        return self.tree.read(path) if path in self.paths else None

    def find(self, name: str, bases: Iterable[str]) -> str | None:
        """The tree path a command's file name means, tried from each of ``bases``."""
        name = re.sub(r"^(?:\$\{?GITHUB_WORKSPACE\}?|GHA_EXPR)/", "", name)
        if name.startswith("/"):  # a path inside an image: the longest suffix the tree holds
            parts = name.strip("/").split("/")
            return next(("/".join(parts[k:]) for k in range(len(parts))
                         if "/".join(parts[k:]) in self.paths), None)
        for folder in bases:
            path = posixpath.normpath(posixpath.join(folder, name))
            if not path.startswith("..") and path in self.paths:
                return path
        return None

    def image_dirs(self) -> list[str]:
        return sorted({posixpath.dirname(p) for p in self.dockerfiles})

    def entrypoints(self) -> tuple[str, ...]:
        """Scripts the Dockerfiles name as ENTRYPOINT, then files named like an entrypoint."""
        if self._entrypoints is None:
            found: list[str] = []
            for dockerfile in self.dockerfiles:
                for m in _ENTRYPOINT.finditer(self.read(dockerfile) or ""):
                    for word in re.findall(r"[\w./-]+", m.group(1)):
                        path = self.find(word, [posixpath.dirname(dockerfile), ""])
                        if path and "/" in word:
                            found.append(path)
            found += [p for p in sorted(self.paths) if "entrypoint" in posixpath.basename(p)
                      and not p.endswith((".py", ".md", ".txt", ".rst"))]
            self._entrypoints = tuple(dict.fromkeys(found))
        return self._entrypoints

    def package_script(self, name: str, bases: Iterable[str]) -> tuple[str, str] | None:
        path = self.find("package.json", bases)
        try:
            scripts = json.loads(self.read(path) or "{}").get("scripts") if path else None
        except (ValueError, AttributeError):
            return None
        body = scripts.get(name) if isinstance(scripts, dict) else None
        return (path, body) if path and isinstance(body, str) else None


_ENTRYPOINT = re.compile(r"^[ \t]*ENTRYPOINT[ \t]+(.+)$", re.M | re.I)


Chain = list[str]  # the files followed to the deciding command, then what the leaf says of it
Leaf = Callable[[list[str], "Ctx"], "Chain | None"]


@dataclass(frozen=True)
class Ctx:
    """Where a command runs and what is asked of it: ``leaf`` answers for one simple command
    (``runs_tests``'s: does it call a test runner); files the command calls are followed."""

    repo: Repo
    workdir: str = ""  # the command's working directory, relative to the root
    here: str = ""  # folder of the file being read ("" for the pipeline itself)
    depth: int = 0
    funcs: dict[str, str] = field(default_factory=dict)  # shell functions of that file
    container: bool = False
    leaf: Leaf | None = None
    question: str = ""  # names ``leaf`` in the memo of followed files

    def bases(self) -> list[str]:
        """Folders a relative path may start from: the working directory, then (for a
        script that moves to its own folder) the script's folder and its parents."""
        out = [self.workdir]
        here = self.here
        while here:
            out.append(here)
            here = posixpath.dirname(here)
        if self.container:
            out += self.repo.image_dirs()
        return list(dict.fromkeys(out))

    def into(self, path: str, funcs: dict[str, str] | None = None) -> Ctx:
        return replace(self, here=posixpath.dirname(path), depth=self.depth + 1,
                       funcs=funcs if funcs is not None else {})

    def memo(self, *key) -> tuple:
        return (self.question, self.workdir, self.container) + key


def search(text: str, ctx: Ctx) -> Chain | None:
    """The first command of ``text`` (one line or a script) that ``ctx.leaf`` answers yes
    for, itself or through the files it calls."""
    for command in shell_commands(list(enumerate(text.splitlines(), start=1))):
        if is_function_definition(command.text):
            continue  # its body counts where the function is called
        for words in segments(command.text):
            hit = follow(words, ctx)
            if hit is not None:
                return hit
    return None


def follow(words: list[str], ctx: Ctx) -> Chain | None:
    """One simple command: the leaf's answer, else what the script, shell function, Makefile
    target, npm script or container command it calls does."""
    if ctx.depth > MAX_DEPTH or ctx.leaf is None:
        return None
    hit = ctx.leaf(words, ctx)
    words = unwrap(words)
    if hit is not None or not words:
        return hit
    head, args = base(words[0]), words[1:]
    if words[0] in ctx.funcs:
        key = ctx.memo("function", ctx.here, words[0])
        if key not in ctx.repo.followed:
            ctx.repo.followed[key] = None  # a function that calls itself ends here
            ctx.repo.followed[key] = search(ctx.funcs[words[0]],
                                            replace(ctx, depth=ctx.depth + 1))
        return ctx.repo.followed[key]
    if head in ("npm", "pnpm", "yarn", "bun"):
        return _npm_script(head, args, ctx)
    if head in ("make", "gmake"):
        return _make(args, ctx)
    container = container_command(words)
    if container is not None:
        return _in_container(container, ctx)
    if head in _SHELLS or "/" in words[0] or words[0].endswith((".sh", ".bash")):
        return _script(words, ctx)
    return None


# --- does it run the tests ---------------------------------------------------------------------
_TEST_TOOLS = frozenset({"pytest", "py.test", "nosetests", "nose2", "trial", "behave", "green",
                         "ward", "unittest", "jest", "vitest", "mocha", "ava", "karma", "rspec",
                         "phpunit", "runtests.py", "run_tests.py"})
_JS_TOOLS = frozenset({"jest", "vitest", "mocha", "cypress", "playwright", "karma", "ava"})
_NOT_TEST_ENVS = frozenset({
    "lint", "linters", "flake8", "mypy", "typing", "types", "type", "typecheck", "docs", "doc",
    "format", "fmt", "black", "isort", "ruff", "pylint", "pre-commit", "precommit", "style",
    "check", "build", "release", "bandit", "safety", "packaging", "manifest", "spelling",
    "codespell", "pyright", "readme", "publish", "clean"})
_TEST_SCRIPT = re.compile(r"(?:tests?|e2e|unit|integration|cover(?:age)?)(?:[:_-][\w:.-]*)?"
                          r"|[\w.-]*[:_-](?:tests?|e2e)")
_TASK_RUNNERS = frozenset({"poe", "invoke", "inv", "just", "task"})
_SCRIPT_RUNNERS = frozenset({"pdm", "hatch", "pixi", "rye"})
_JS_OPTS = frozenset({"--filter", "-F", "--prefix", "-C", "--dir", "--workspace", "-w", "--cwd"})
_JS_BUILTINS = frozenset({
    "install", "i", "add", "ci", "remove", "rm", "exec", "dlx", "x", "create", "init", "link",
    "publish", "pack", "audit", "outdated", "update", "up", "upgrade", "why", "list", "ls",
    "config", "cache", "store", "setup", "env", "global", "import", "info", "view", "version",
    "workspaces", "workspace", "build", "fetch", "prune", "dedupe", "rebuild"})
_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh"})


def runs_tests(text: str, ctx: Ctx) -> Chain | None:
    """Whether any command of ``text`` runs a test suite: the files followed to the test run
    ([] when the line runs it itself), or None."""
    return search(text, replace(ctx, leaf=_test_leaf, question="tests"))


def _task(words: list[str]) -> str | None:
    """The task a task runner is asked to run (``poe test``, ``pdm run test``)."""
    while words and ASSIGNMENT.match(words[0]):
        words = words[1:]
    head = base(words[0]) if words else ""
    rest = after_options(words[1:])
    if head in _SCRIPT_RUNNERS and rest[:1] == ["run"]:
        rest = after_options(rest[1:])
    elif head not in _TASK_RUNNERS and not (head == "hatch" and rest[:1] == ["test"]):
        return None
    return rest[0] if rest else None


def _test_leaf(words: list[str], ctx: Ctx) -> Chain | None:
    task = _task(words)
    if task and any(_TEST_SCRIPT.fullmatch(part) for part in task.split(":")):
        return []
    words = unwrap(words)
    if not words:
        return None
    head, args = base(words[0]), words[1:]
    plain = [a for a in args if not a.startswith("-")]
    if head in _TEST_TOOLS:
        return []
    if head in ("tox", "nox"):
        return [] if _test_envs(args) else None
    if head in ("manage.py", "django-admin", "django", "setup.py") and plain[:1] == ["test"]:
        return []
    if (head == "playwright" and plain[:1] == ["test"]
            or head == "cypress" and plain[:1] and plain[0].startswith("run")):
        return []
    if head in ("go", "cargo", "dotnet", "mvn", "gradle", "gradlew") and "test" in plain[:1]:
        return []
    if head in ("npm", "pnpm", "yarn", "bun"):
        script = _npm_script_name(head, args)
        if script and (script[0] in ("test", "t", "tst") or _TEST_SCRIPT.fullmatch(script[0])):
            return []
        if script and script[0] in _JS_TOOLS and not ctx.repo.package_script(
                script[0], ctx.bases()):  # a script named after its tool: `run cypress run`
            return _test_leaf(list(script), ctx)
    return None


def _test_envs(args: list[str]) -> bool:
    """tox/nox runs tests unless every environment it is told to run is a lint/docs one."""
    envs: list[str] = []
    for i, a in enumerate(args):
        name, eq, value = a.partition("=")
        if a in ("-e", "--env", "-s", "--session", "--sessions") and i + 1 < len(args):
            envs += args[i + 1].split(",")
        elif eq and name in ("--env", "--session", "--sessions"):
            envs += value.split(",")
        elif a[:2] in ("-e", "-s") and len(a) > 2:
            envs += a[2:].split(",")
    return not envs or any(e.strip() and e.strip().lower() not in _NOT_TEST_ENVS for e in envs)


def _npm_script_name(head: str, args: list[str]) -> list[str] | None:
    """[script, args...] an npm/pnpm/yarn/bun line runs (``npm test`` runs "test")."""
    rest = after_options(args, _JS_OPTS)
    if not rest:
        return None
    verb, rest = rest[0], rest[1:]
    if verb in ("run", "run-script"):
        rest = after_options(rest, _JS_OPTS)
        return rest or None
    if verb in ("test", "t", "tst"):
        return ["test"] + rest
    if head != "npm" and verb not in _JS_BUILTINS:
        return [verb] + rest
    return None


def _npm_script(head: str, args: list[str], ctx: Ctx) -> Chain | None:
    """Follow an npm script into its command in package.json."""
    script = _npm_script_name(head, args)
    found = ctx.repo.package_script(script[0], ctx.bases()) if script else None
    if not found or ctx.depth >= MAX_DEPTH:
        return None
    hit = search(" ".join([found[1]] + script[1:]), ctx.into(found[0]))
    if hit is None and script[0] in _JS_TOOLS:  # a script named after its tool
        hit = follow(script, ctx)
    return None if hit is None else [f"{found[0]} ({script[0]})"] + hit


# --- following files ---------------------------------------------------------------------------
def _script(words: list[str], ctx: Ctx) -> Chain | None:
    if base(words[0]) in _SHELLS:
        args = words[1:]
        while args and args[0].startswith("-") and args[0] != "-c":
            args = args[2:] if args[0] == "-o" else args[1:]
        if args[:1] == ["-c"]:
            return search(args[1], replace(ctx, depth=ctx.depth + 1)) if len(args) > 1 \
                else None
        words = args
    if not words or ctx.depth >= MAX_DEPTH:
        return None
    path = ctx.repo.find(words[0], ctx.bases())
    text = ctx.repo.read(path) if path and not path.endswith(".py") else None
    if text is None or (text.startswith("#!") and "python" in text.partition("\n")[0]):
        return None
    body = ctx.repo.branch(path, words[1]) if len(words) > 1 else None
    key = ctx.memo("script", path, None if body is None else words[1])
    if key not in ctx.repo.followed:
        ctx.repo.followed[key] = None  # a script that calls itself ends here
        hit = search(text if body is None else body,
                     ctx.into(path, ctx.repo.parsed(path, shell_functions)))
        ctx.repo.followed[key] = None if hit is None else [path] + hit
    return ctx.repo.followed[key]


def _make(args: list[str], ctx: Ctx) -> Chain | None:
    directory, makefile, targets = "", "", []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-C", "--directory", "-f", "--file", "--makefile") and i + 1 < len(args):
            directory, makefile = ((args[i + 1], makefile) if a in ("-C", "--directory")
                                   else (directory, args[i + 1]))
            i += 2
            continue
        if a.startswith("-C") and len(a) > 2:
            directory = a[2:]
        elif not a.startswith("-") and "=" not in a:
            targets.append(a)
        i += 1
    names = [makefile] if makefile else ["Makefile", "makefile", "GNUmakefile"]
    path = next((p for n in names
                 if (p := ctx.repo.find(posixpath.join(directory, n), ctx.bases()))), None)
    text = ctx.repo.read(path) if path and ctx.depth < MAX_DEPTH else None
    if text is None:
        return None  # a Makefile the tree does not hold: what it runs is unknown
    key = ctx.memo("make", path, tuple(targets))
    if key in ctx.repo.followed:
        return ctx.repo.followed[key]
    ctx.repo.followed[key] = None
    variables, rules, order = ctx.repo.parsed(path, makefile_rules)
    inner = replace(ctx.into(path), workdir=posixpath.dirname(path))
    seen: set[str] = set()

    def target(name: str, depth: int) -> Chain | None:
        if name in seen or name not in rules or depth > MAX_DEPTH:
            return None
        seen.add(name)
        prerequisites, recipe = rules[name]
        for line in recipe:
            hit = search(make_expand(line, variables), inner)
            if hit is not None:
                return hit
        for pre in prerequisites:
            hit = target(pre, depth + 1)
            if hit is not None:
                return hit
        return None

    for name in targets or order[:1]:
        hit = target(name, 0)
        if hit is not None:
            ctx.repo.followed[key] = [f"{path} (target {name})"] + hit
            break
    return ctx.repo.followed[key]


def _in_container(command: list[str], ctx: Ctx) -> Chain | None:
    inner = replace(ctx, container=True)
    hit = follow(command, inner)
    if hit is not None or "/" in command[0]:
        return hit
    key = ctx.memo("entrypoint", command[0])
    if key in ctx.repo.followed or ctx.depth >= MAX_DEPTH:
        return ctx.repo.followed.get(key)
    ctx.repo.followed[key] = None
    for entrypoint in ctx.repo.entrypoints():  # `run web tests`: the entrypoint's `tests)` branch
        body = ctx.repo.branch(entrypoint, command[0])
        hit = None if body is None else search(
            body, inner.into(entrypoint, ctx.repo.parsed(entrypoint, shell_functions)))
        if hit is not None:
            ctx.repo.followed[key] = [f"{entrypoint} ({command[0]})"] + hit
            break
    return ctx.repo.followed[key]
