"""Shell syntax as CI pipelines and repository scripts write it, read without a shell: the
simple commands of a line, the command behind wrappers (``sudo``, ``uv run``, ``python -m``...),
``case`` branches and functions of a script, Makefile rules and variables, and the command a
``docker compose run`` hands to a container. Text in, words out: nothing here reads a file."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from fnmatch import fnmatchcase

# --- words -------------------------------------------------------------------------------------
_EXPR = re.compile(r"\$\{\{[^}\n]{0,200}\}\}")
_CONTROL = frozenset({"&&", "||", ";", "|", "&", "(", ")", ";;", "|&", "{", "}"})
_REDIRECT = re.compile(r"[<>&]+")
_PLAIN_TOKEN = re.compile(r"&&|\|\||;;|[;|&()]|[<>]+&?|[^\s;|&()<>]+")
ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=")


def segments(text: str) -> Iterator[list[str]]:
    """The simple commands of one command line, as words (redirections dropped)."""
    text = _EXPR.sub("GHA_EXPR", text)
    if not any(c in text for c in "'\"\\#"):
        tokens = _PLAIN_TOKEN.findall(text)  # nothing quoted: no need for shlex (10x slower)
    else:
        try:
            lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            tokens = list(lexer)
        except ValueError:
            tokens = text.split()
    words: list[str] = []
    skip = False
    for token in tokens:
        if skip:
            skip = False
        elif token in _CONTROL:
            if words:
                yield words
            words = []
        elif _REDIRECT.fullmatch(token):
            skip = True
        else:
            words.append(token)
    if words:
        yield words


def base(word: str) -> str:
    return word.rpartition("/")[2]


def after_options(words: list[str], with_value: frozenset[str] = frozenset(),
                   stop: frozenset[str] = frozenset()) -> list[str]:
    """``words`` from the first that is not an option (or is one of ``stop``)."""
    i = 0
    while i < len(words) and words[i].startswith("-") and words[i] != "-" and (
            words[i] not in stop):
        i += 2 if words[i] in with_value else 1
    return words[i:]


_PREFIXES = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "time", "exec",
                       "command", "nohup", "builtin", "eval", "ddtrace-run"})
_PYTHON = re.compile(r"python[\d.]*|pypy[\d.]*|py")
_RUNNERS = frozenset({"uv", "poetry", "pipenv", "pdm", "rye", "pixi", "hatch", "conda", "mamba",
                      "micromamba"})
_RUNNER_OPTS = frozenset({"--with", "--extra", "--group", "--python", "-p", "--directory",
                          "--project", "--package", "--env-file", "--only-group", "--index",
                          "-n", "--name", "--prefix", "-e", "--environment"})
_COVERAGE_OPTS = frozenset({"--source", "--omit", "--include", "--rcfile", "--data-file",
                            "--concurrency", "--context"})


def unwrap(words: list[str]) -> list[str]:
    """The command a line really runs: without variable assignments, ``sudo``/``env``/
    ``time``, ``uv run``/``poetry run``..., ``npx``, ``python -m``, ``coverage run``."""
    for _ in range(12):
        if not words:
            return words
        head, rest = base(words[0]), words[1:]
        if ASSIGNMENT.match(words[0]) or head in _PREFIXES:
            words = rest
        elif head in ("sudo", "env", "timeout", "xvfb-run"):
            rest = after_options(rest, frozenset({"-u", "-g", "-s", "--server-args"}))
            while rest and (ASSIGNMENT.match(rest[0])
                            or head == "timeout" and rest[0][:1].isdigit()):
                rest = rest[1:]
            words = rest
        elif head in _RUNNERS and rest[:1] == ["run"]:
            words = after_options(rest[1:], _RUNNER_OPTS)
            if head == "hatch" and words and ":" in words[0]:  # hatch run env:script
                words = [words[0].split(":", 1)[1]] + words[1:]
        elif head in ("npx", "bunx", "pnpx") or head in ("pnpm", "npm", "yarn") and rest[:1] in (
                ["exec"], ["dlx"]):
            words = after_options(rest if head in ("npx", "bunx", "pnpx") else rest[1:],
                                   frozenset({"-p", "--package"}))
        elif _PYTHON.fullmatch(head):
            rest = after_options(rest, frozenset({"-W", "-X"}), frozenset({"-m", "-c"}))
            if rest[:1] == ["-c"]:
                return []
            words = rest[1:] if rest[:1] == ["-m"] else rest
        elif head == "coverage" and rest[:1] == ["run"]:
            rest = after_options(rest[1:], _COVERAGE_OPTS, frozenset({"-m"}))
            words = rest[1:] if rest[:1] == ["-m"] else rest
        else:
            return words
    return words


_FUNC = re.compile(r"^([ \t]*)(?:function[ \t]+)?([\w-]+)[ \t]*\(\)[ \t]*\{?[ \t]*$")
_BRANCH = re.compile(r"\(?([^()]+?)\)(.*)$")


def is_function_definition(line: str) -> bool:
    return _FUNC.match(line) is not None


def shell_functions(text: str) -> dict[str, str]:
    """name -> body of the functions a script defines (a body ends at its closing brace or
    where the next definition starts)."""
    funcs: dict[str, str] = {}
    name, indent, body = None, 0, []
    for line in text.splitlines():
        m = _FUNC.match(line)
        closing = line.strip() == "}" and len(line) - len(line.lstrip()) <= indent
        if name is not None and (m or closing):
            funcs[name] = "\n".join(body)
            name = None
        if m:
            name, indent, body = m.group(2), len(m.group(1)), []
        elif name is not None:
            body.append(line)
    if name is not None:
        funcs[name] = "\n".join(body)
    return funcs


Branch = tuple[tuple[str, ...], str]  # (patterns, body)


def case_branches(text: str) -> list[Branch]:
    """The branches of the ``case`` statements of a script, in order."""
    branches: list[Branch] = []
    depth, patterns, body = 0, (), None
    for line in text.splitlines():
        s = line.strip()
        if body is not None:
            if ";;" in s or s == "esac":
                body.append(s.split(";;")[0] if s != "esac" else "")
                branches.append((patterns, "\n".join(body)))
                body = None
                depth -= s == "esac"
            else:
                body.append(s)
        elif s.startswith("case") and re.match(r"case\b.*\bin$", s):
            depth += 1
        elif s == "esac":
            depth = max(0, depth - 1)
        elif depth and (m := _BRANCH.match(s)):
            patterns = tuple(p.strip().strip("\"'") for p in m.group(1).split("|"))
            if ";;" in m.group(2):
                branches.append((patterns, m.group(2).split(";;")[0]))
            else:
                body = [m.group(2)]
    if body is not None:
        branches.append((patterns, "\n".join(body)))
    return branches


def select_branch(branches: list[Branch], word: str) -> str | None:
    """The body of the first branch whose pattern ``word`` matches, or None."""
    return next((body for patterns, body in branches
                 if any(p and fnmatchcase(word, p) for p in patterns)), None)


def case_branch(text: str, word: str) -> str | None:
    return select_branch(case_branches(text), word)


_MK_ASSIGN = re.compile(r"(?:export[ \t]+|override[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*"
                        r"(?::{1,3}|\?|\+|!)?=")
_MK_VAR = re.compile(r"\$[({]([^(){}$]+)[)}]")
MAX_EXPANDED = 20_000  # characters a Makefile line may grow to by variable expansion


def makefile_rules(text: str) -> tuple[dict[str, str], dict[str, tuple[list[str], list[str]]],
                                       list[str]]:
    """(variables, target -> (prerequisites, recipe lines), targets in order) of a Makefile;
    conditionals, includes and pattern rules are left out."""
    variables: dict[str, str] = {"MAKE": "make"}
    rules: dict[str, tuple[list[str], list[str]]] = {}
    order: list[str] = []
    current: list[str] = []
    for line in text.replace("\\\n", " ").splitlines():
        if line.startswith("\t"):
            for target in current:
                rules[target][1].append(line.strip().lstrip("@-+ "))
            continue
        s = line.split("#", 1)[0].strip()
        colon = s.find(":")
        assign = _MK_ASSIGN.match(s)
        if assign:  # `NAME = v`, `NAME := v`...: a colon there belongs to the operator
            variables.setdefault(assign.group(1), s[assign.end():].strip())
            current = []
        elif colon > 0 and not s.startswith(("ifeq", "ifneq", "ifdef", "ifndef", "include")):
            head, _, inline = s[colon:].lstrip(":").partition(";")
            current = [t for t in s[:colon].split() if "%" not in t]
            if "=" in head:  # target-specific variable
                current = []
            for target in current:
                entry = rules.setdefault(target, ([], []))
                entry[0].extend(p for p in head.split() if p != "|")
                if inline.strip():
                    entry[1].append(inline.strip())
                if not target.startswith("."):
                    order.append(target)
        elif s:
            current = []
    return variables, rules, order


def make_expand(text: str, variables: dict[str, str]) -> str:
    for _ in range(6):
        new = _MK_VAR.sub(lambda m: variables.get(m.group(1).strip(), ""), text)
        if new == text or len(new) > MAX_EXPANDED:
            break
        text = new
    return text.replace("$$", "$")


# --- containers --------------------------------------------------------------------------------
_COMPOSE_GLOBAL = frozenset({"-f", "--file", "-p", "--project-name", "--env-file", "--profile",
                             "--project-directory", "--ansi", "--progress", "--parallel"})
_COMPOSE_RUN = frozenset({"--name", "-e", "--env", "-u", "--user", "-w", "--workdir", "-v",
                          "--volume", "-p", "--publish", "-l", "--label", "--entrypoint",
                          "--cap-add", "--cap-drop", "--index", "--pull", "--env-file"})
_DOCKER_RUN = _COMPOSE_RUN | frozenset({
    "--network", "--net", "--mount", "--platform", "-h", "--hostname", "--add-host", "--cpus",
    "-m", "--memory", "--shm-size", "--ulimit", "--device", "--gpus", "--tmpfs", "--restart",
    "--log-driver", "--runtime", "--security-opt", "--cidfile", "--dns", "--expose",
    "--health-cmd", "--ipc", "--pid", "--stop-signal", "--userns"})


def compose_args(words: list[str]) -> list[str] | None:
    """The subcommand and its arguments of a ``docker compose`` line, or None."""
    head, args = base(words[0]), words[1:]
    if head in ("docker", "podman", "nerdctl") and args[:1] == ["compose"]:
        args = args[1:]
    elif head not in ("docker-compose", "podman-compose"):
        return None
    return after_options(args, _COMPOSE_GLOBAL)


def container_command(words: list[str]) -> list[str] | None:
    """The command a ``docker compose run/exec`` or ``docker run/exec`` line runs in the
    container (None when it names none)."""
    sub = compose_args(words)
    if sub is not None:
        if sub[:1] not in (["run"], ["exec"]):
            return None
        rest = after_options(sub[1:], _COMPOSE_RUN)
        return rest[1:] or None
    head, args = base(words[0]), words[1:]
    if head not in ("docker", "podman", "nerdctl"):
        return None
    if args[:1] == ["container"]:
        args = args[1:]
    if args[:1] not in (["run"], ["exec"]):
        return None
    rest = after_options(args[1:], _DOCKER_RUN)
    return rest[1:] or None


