"""CI pipelines read as steps: the job, the command lines, the action or reusable workflow and
its inputs, each with its line. The YAML of the CI systems is read by indentation (no YAML
library: every fact needs its line, and the file is untrusted input); a Jenkinsfile by the
string literals of its steps. Nothing is evaluated: an expression stays text."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Command:
    line: int  # where the command starts (continuation lines are joined onto it)
    text: str


@dataclass(frozen=True, slots=True)
class Input:
    key: str
    value: str  # an inline value, or a block's lines joined by newlines
    line: int


@dataclass(frozen=True, slots=True)
class Step:
    job: str
    line: int
    uses: str = ""  # an action, or a reusable workflow when the step is a whole job
    inputs: tuple[Input, ...] = ()
    commands: tuple[Command, ...] = ()
    script: str = ""  # the step's shell text without comment lines (payloads live here)
    workdir: str = ""  # working directory relative to the repository root, "" for the root
    runner: str = ""  # the job's runs-on, as written


@dataclass(frozen=True, slots=True)
class Pipeline:
    line: int  # the line that makes it a pipeline (GitHub's ``on:``, else its first key)
    steps: tuple[Step, ...]


# --- an indentation outline of YAML -----------------------------------------------------------
@dataclass(eq=False)
class _Node:
    key: str | None  # None for a scalar list item
    value: str
    line: int
    indent: int
    raw: str = ""  # the line's text after indentation and any "- "
    children: list[_Node] = field(default_factory=list)
    block: list[tuple[int, str]] = field(default_factory=list)  # a block scalar's raw lines

    def child(self, key: str) -> _Node | None:
        return next((c for c in self.children if c.key == key), None)


_KEY_END = re.compile(r":(?=[ \t]|$)")
_BLOCK = re.compile(r"[|>][0-9+-]*")
_COMMENT = re.compile(r"(?<![ \t])[ \t]+#.*$")  # each run of blanks tried once: linear time


def _key_value(body: str) -> tuple[str, str] | None:
    """``key: value`` split at the first colon followed by a blank (a quoted key may hold
    colons); None for a plain scalar."""
    if body[0] in "\"'":
        end = body.find(body[0], 1)
        rest = body[end + 1:].lstrip(" \t") if end > 0 else ""
        if not rest.startswith(":") or rest[1:2] not in ("", " ", "\t"):
            return None
        return body[1:end], rest[1:]
    m = _KEY_END.search(body)
    if m is None or body[0] in "#[{&*!|>%@`" or "#" in body[:m.start()]:
        return None
    return body[:m.start()].rstrip(), body[m.end():]


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip(" "))


def _scalar(value: str) -> str:
    value = value.strip()
    if value and value[0] in "\"'":
        end = value.find(value[0], 1)
        return value[1:end] if end > 0 else value[1:]
    return _COMMENT.sub("", value)


def outline(text: str) -> _Node:
    """Mappings, sequences and block scalars by indentation; flow collections stay text."""
    lines = text.splitlines()
    root = _Node(None, "", 0, -1)
    stack = [root]
    i = 0
    while i < len(lines):
        raw = lines[i].rstrip()
        body = raw.lstrip(" ")
        if not body or body.startswith("#") or body in ("---", "..."):
            i += 1
            continue
        col = _indent(raw)
        while body == "-" or body.startswith("- "):  # a sequence item
            while stack[-1] is not root and (stack[-1].indent > col or (
                    stack[-1].indent == col and (stack[-1].key is None or stack[-1].value))):
                stack.pop()
            item = _Node(None, "", i + 1, col)
            stack[-1].children.append(item)
            stack.append(item)
            rest = body[1:]
            col += 1 + _indent(rest)
            body = rest.lstrip(" ")
        if not body:
            i += 1
            continue
        while stack[-1] is not root and stack[-1].indent >= col:
            stack.pop()
        pair = _key_value(body)
        if pair:
            node = _Node(pair[0], _scalar(pair[1]), i + 1, col, body)
        else:
            node = _Node(None, _scalar(body), i + 1, col, body)
        stack[-1].children.append(node)
        stack.append(node)
        i += 1
        if _BLOCK.fullmatch(node.value):
            while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > col):
                node.block.append((i + 1, lines[i]))
                i += 1
    return root


# --- shell lines -------------------------------------------------------------------------------
_HEREDOC = re.compile(r"<<-?[ \t]*['\"]?(\w+)")


def _open_quote(text: str, state: str) -> str:
    """The quote still open at the end of ``text`` ("" when none), starting in ``state``."""
    escaped, previous = False, " "
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\" and state != "'":
            escaped = True
        elif state:
            state = "" if ch == state else state
        elif ch in "'\"":
            state = ch
        elif ch == "#" and previous in " \t":  # a comment starts a word
            break
        previous = ch
    return state


def shell_commands(lines: list[tuple[int, str]]) -> list[Command]:
    """Logical command lines: comments and here-documents dropped, ``\\`` continuations and
    quotes left open joined onto the line where the command starts."""
    out: list[Command] = []
    start, parts, quote, heredoc = 0, [], "", None
    for number, raw in lines:
        text = raw.strip()
        if heredoc is not None:
            heredoc = None if text == heredoc else heredoc
            continue
        if not parts and (not text or text.startswith("#")):
            continue
        if not parts:
            start = number
        quote = _open_quote(text, quote)
        if not quote and text.endswith("\\"):
            parts.append(text[:-1].rstrip())
            continue
        parts.append(text)
        if quote:
            continue
        joined = " ".join(p for p in parts if p)
        out.append(Command(start, joined))
        parts = []
        m = _HEREDOC.search(joined.replace("<<<", "   "))
        heredoc = m.group(1) if m else None
    if parts:
        out.append(Command(start, " ".join(p for p in parts if p)))
    return out


def _run_lines(node: _Node) -> list[tuple[int, str]]:
    if node.block:
        return node.block
    lines = [(node.line, node.value)] if node.value else []
    return lines + [(c.line, c.value) for c in node.children if c.key is None and c.value]


def _text(node: _Node | None) -> str:
    """A node's value as written: inline value, block lines, nested scalars."""
    if node is None:
        return ""
    parts = [node.value] if node.value and not node.block else []
    parts += [raw.strip() for _, raw in node.block]
    parts += [_text(c) if c.key is None else f"{c.key}: {_text(c)}" for c in node.children]
    return "\n".join(p for p in parts if p)


def _inputs(node: _Node | None) -> tuple[Input, ...]:
    if node is None:
        return ()
    return tuple(Input(c.key, _text(c), c.line) for c in node.children if c.key)


_WORKSPACE = re.compile(r"^(?:\$\{\{[ \t]*github\.workspace[ \t]*\}\}|\$\{?GITHUB_WORKSPACE\}?)/?")


def working_directory(value: str) -> str:
    """A working directory as a path relative to the root; "" for the root or when it is
    computed (an expression, a variable)."""
    folder = _WORKSPACE.sub("", value.strip())
    if not folder or "$" in folder:
        return ""
    folder = posixpath.normpath(folder)
    return "" if folder in (".", "/") or folder.startswith(("..", "/")) else folder


def _workdir(node: _Node | None) -> str:
    run = node.child("defaults") if node else None
    run = run.child("run") if run else None
    wd = run.child("working-directory") if run else None
    return working_directory(wd.value) if wd else ""


def _script(lines: list[tuple[int, str]]) -> str:
    return "\n".join(raw.strip() for _, raw in lines
                     if raw.strip() and not raw.strip().startswith("#"))


# --- the CI systems ----------------------------------------------------------------------------
def github_workflow(text: str) -> Pipeline:
    root = outline(text)
    trigger = root.child("on") or root.child("true")
    jobs = root.child("jobs")
    steps: list[Step] = []
    base = _workdir(root)
    for job in (jobs.children if jobs else []):
        if not job.key:
            continue
        runner = _text(job.child("runs-on"))
        workdir = _workdir(job) or base
        uses = job.child("uses")
        if uses is not None:  # a job that calls a reusable workflow
            steps.append(Step(job.key, uses.line, uses.value, _inputs(job.child("with")),
                              runner=runner))
        for item in (job.child("steps").children if job.child("steps") else []):
            run, action, wd = item.child("run"), item.child("uses"), item.child("working-directory")
            lines = _run_lines(run) if run is not None else []
            steps.append(Step(
                job.key, action.line if action else item.line, action.value if action else "",
                _inputs(item.child("with")), tuple(shell_commands(lines)), _script(lines),
                working_directory(wd.value) if wd is not None else workdir, runner))
    return Pipeline(trigger.line if trigger else _first_line(root), tuple(steps))


_SCRIPT_KEYS = frozenset({"script", "before_script", "after_script", "run", "command",
                          "bash", "sh", "pwsh", "powershell", "inlineScript"})


def yaml_pipeline(text: str) -> Pipeline:
    """GitLab CI, CircleCI, Azure Pipelines, Bitbucket: the shell lines under script keys."""
    root = outline(text)
    steps: list[Step] = []

    def walk(node: _Node, job: str) -> None:
        for c in node.children:
            if c.key in _SCRIPT_KEYS and not any(g.key for g in c.children):
                lines = _run_lines(c) if c.value else []
                for item in [] if c.value else c.children:  # a list of commands, as written
                    for g in item.children or [item]:
                        lines += g.block or ([(g.line, g.raw)] if g.raw else [])
                if lines:
                    steps.append(Step(job, c.line, commands=tuple(shell_commands(lines)),
                                      script=_script(lines)))
            else:
                walk(c, job or (c.key or ""))

    walk(root, "")
    return Pipeline(_first_line(root), tuple(steps))


_STRING_CALL = re.compile(r"""\b\w+(?:[ \t]+|[ \t]*\([ \t]*)(?:script[ \t]*:[ \t]*)?"""
                          r"""(['"])(.*?)(?<!\\)\1""")


def jenkinsfile(text: str) -> Pipeline:
    """The string literals a Jenkinsfile's steps hand to a shell (``sh 'make test'``);
    triple-quoted scripts line by line."""
    lines: list[tuple[int, str]] = []
    fence = None
    first = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if fence:
            if fence in stripped:
                lines.append((number, stripped.split(fence)[0]))
                fence = None
            else:
                lines.append((number, stripped))
            continue
        if not stripped or stripped.startswith(("//", "/*", "*")):
            continue
        first = first or number
        opened = next((q for q in ("'''", '"""') if stripped.count(q) % 2), None)
        if opened:
            fence = opened
            lines.append((number, stripped.split(opened, 1)[1]))
            continue
        lines += [(number, m.group(2)) for m in _STRING_CALL.finditer(stripped)]
    steps = tuple(Step("", n, commands=(Command(n, t.strip()),), script=t)
                  for n, t in lines if t.strip())
    return Pipeline(first, steps)


def _first_line(root: _Node) -> int:
    return root.children[0].line if root.children else 0


def read_pipeline(path: str, text: str) -> Pipeline:
    if path.startswith(".github/workflows/"):
        return github_workflow(text)
    if path.rpartition("/")[2] == "Jenkinsfile":
        return jenkinsfile(text)
    return yaml_pipeline(text)
