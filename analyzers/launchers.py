"""Background processes of the application, found at the line that starts them (``worker``
evidence), and supervisord health listeners (``health_check`` probes).

Where a worker starts, by file:
- any launch file (shell scripts with or without ``.sh``, Dockerfiles, compose and other YAML
  outside CI pipelines, Procfile, supervisord and uwsgi ini files, systemd units,
  ``pyproject.toml`` tasks such as poe or taskipy): a job-system command line, ``celery ...
  worker|beat``, ``rq worker|scheduler``, ``rqworker``, ``dramatiq``, ``huey_consumer``,
  ``run_huey``, ``arq``, and a cron daemon kept in the foreground (``crond -f``, ``cron -f``,
  ``supercronic crontab``): a container runs one to run the application's scheduled jobs,
  the role ``celery beat`` plays;
- a shell function or ``case`` branch named for a worker (``worker``, ``dev_scheduler``,
  ``consumer``, ``beat``, ``clock``, ``cron``): its ``exec`` or program line;
- a compose ``command:`` or Procfile process named for a worker (``command: dev_worker`` runs
  the entrypoint's branch); a supervisord ``[program:worker]``'s ``command=``;
- uwsgi ``attach-daemon``/``smart-attach-daemon``/``legion-attach-daemon`` and ``mule`` lines;
- when no launch file starts any, the application's own CLI commands (click/typer
  ``@group.command``, Django management commands) whose body runs forever (``while True``,
  ``scheduler.start()``, ``.consume(``, ``.run_forever(``...): the command's line.
Comments and ``echo`` lines never count, nor do support files (tests, e2e harnesses).
"""

from __future__ import annotations

import re

from analyzers.delivery import _COMPOSE, _DOCKERFILE, _is_yaml, pipeline_kind
from analyzers.filetree import Evidence, FileTree, _base
from analyzers.opsbase import _application
from analyzers.pytext import block, capped, indent

_Q = r"[\s\"',]"
_WORKER = re.compile(
    rf"(?<![\w/.-])celery(?={_Q})[^\n]*?{_Q}(?:worker|beat)\b"
    r"|(?<![\w/.-])rq[ \t]+(?:worker|scheduler)\b|\brq(?:worker|scheduler)\b"
    r"|(?<![\w/.-])dramatiq[ \t]+\w|\bhuey_consumer\b|\brun_huey\b|(?<![\w/.-])arq[ \t]+\w+\.\w+"
    # a cron daemon kept in the foreground runs the application's scheduled jobs
    r"|(?<![\w.-])(?:[\w.-]*/)*(?:crond?|busybox[ \t]+crond)(?=[\s\"',])[^\n&;|]*?[\s\"',]"
    r"-[a-zA-Z]*[fn]\b|(?<![\w.-])(?:[\w.-]*/)*(?:supercronic|go-crond|yacron)[\s\"',]+[\w\"'$/{-]")
_WORKER_NAMES = frozenset({"worker", "workers", "scheduler", "beat", "consumer", "consumers",
                           "clock", "cron"})
_SHEBANG = re.compile(r"#![^\n]*\b(?:ba|da|z|k)?sh\b")
_FUNCTION = re.compile(r"^[ \t]*(?:function[ \t]+)?([\w-]+)[ \t]*\(\)[ \t]*\{?[ \t]*$")
_BRANCH = re.compile(r"^[ \t]*\(?([\w|*-]+)\)[ \t]*(.*)$")
_STARTS = re.compile(r"^(?:exec[ \t]|\S*python\S*[ \t]|\S*manage\.py[ \t]|supervisord\b|honcho\b)")
_UWSGI_DAEMON = re.compile(r"^[ \t]*(?:(?:smart-|legion-)?attach-daemon2?|mule)[ \t]*=", re.M)
_SECTION = re.compile(r"^[ \t]*\[(program|eventlistener):([^\]]+)\]")


def _named_worker(name: str) -> bool:
    """A name, or a command without its options, that says worker (``dev_worker``,
    ``python -m app.worker``; not ``gunicorn --workers 4``)."""
    words = " ".join(w for w in name.lower().split() if not w.startswith("-"))
    tokens = set(re.split(r"[\W_]+", words))
    return bool(tokens & _WORKER_NAMES) and not any("health" in t for t in tokens)


def _ev(path: str, line: int, text: str) -> Evidence:
    return Evidence(path, line, f"worker process: {text.strip()[:120]}", "worker")


def _quiet(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith(("#", "echo ", "printf ", ";", "//"))


def _command_lines(path: str, text: str) -> list[Evidence]:
    return [_ev(path, n, raw) for n, raw in enumerate(text.splitlines(), 1)
            if not _quiet(raw) and _WORKER.search(raw)]


def _is_shell(path: str, text: str) -> bool:
    return path.endswith((".sh", ".bash")) or bool(_SHEBANG.match(text))


def _shell(path: str, text: str) -> list[Evidence]:
    found, owner, owner_indent, branch = [], None, -1, None
    for n, raw in enumerate(text.splitlines(), 1):
        if _quiet(raw):
            continue
        stripped = raw.strip()
        if (m := _FUNCTION.match(raw)):
            owner, owner_indent, branch = m.group(1), indent(raw), None
            continue
        if owner and stripped.startswith("}") and indent(raw) <= owner_indent:
            owner = None
            continue
        if (m := _BRANCH.match(raw)) and not stripped.startswith(("if ", "[")):
            branch, stripped = m.group(1), m.group(2).strip()
            if not stripped:
                continue
        if stripped.startswith(";;") or stripped == "esac":
            branch = None
            continue
        name = branch or owner
        if _WORKER.search(raw) or (name and _named_worker(name) and _STARTS.match(stripped)):
            found.append(_ev(path, n, raw))
        if stripped.endswith(";;"):
            branch = None
    return found


def _value(line: str) -> str:
    return line.split(":", 1)[1].strip().strip("[]\"' ") if ":" in line else ""


def _compose(path: str, text: str) -> list[Evidence]:
    found = []
    for n, raw in enumerate(text.splitlines(), 1):
        if _quiet(raw):
            continue
        key = raw.strip().split(":", 1)[0]
        command = (re.sub(r"[\"',\[\]]", " ", _value(raw))
                   if key in ("command", "entrypoint") else "")
        if _WORKER.search(raw) or (command and _named_worker(command)):
            found.append(_ev(path, n, raw))
    return found


def _procfile(path: str, text: str) -> list[Evidence]:
    return [_ev(path, n, raw) for n, raw in enumerate(text.splitlines(), 1)
            if not _quiet(raw) and ":" in raw and (_WORKER.search(raw) or _named_worker(raw))]


def _ini(path: str, text: str, probes: bool = False) -> list[Evidence]:
    """supervisord programs (workers, or with ``probes`` the health listeners) and uwsgi
    daemons of one ini-style file."""
    found, section = [], None
    for n, raw in enumerate(text.splitlines(), 1):
        if _quiet(raw):
            continue
        if (m := _SECTION.match(raw)):
            section = m.group(2)
            continue
        if raw.lstrip().startswith("["):
            section = None
        command = re.match(r"^[ \t]*command[ \t]*=", raw)
        if probes:
            if command and section and "health" in section.lower():
                found.append(Evidence(path, n, f"supervisord health listener: {raw.strip()}",
                                      "health_check"))
        elif command and section and (_named_worker(section) or _WORKER.search(raw)):
            found.append(_ev(path, n, raw))
        elif _UWSGI_DAEMON.match(raw) or (not command and _WORKER.search(raw)):
            found.append(_ev(path, n, raw))
    return found


def _ini_like(path: str) -> bool:
    return path.endswith((".ini", ".conf", ".cfg")) and _base(path) not in (
        "setup.cfg", "tox.ini", "pytest.ini", ".flake8", "mypy.ini")


# --- the application's own long-running CLI commands ------------------------------------------
_CLI = re.compile(r"^[ \t]*@[\w.]*\bcommand\(|^[ \t]*def[ \t]+handle\(", re.M)
_FOREVER = re.compile(r"^[ \t]*while[ \t]+(?:True|1)[ \t]*:|\.(?:start_consuming|run_forever"
                      r"|consume|work|listen)\(|\b\w*(?:scheduler|consumer|worker)\.start\(",
                      re.M | re.I)


def _cli_commands(path: str, text: str) -> list[Evidence]:
    if "command(" not in text and "def handle(" not in text:
        return []
    lines, found = text.splitlines(), []
    for m in capped(_CLI.finditer(text)):
        head = text.count("\n", 0, m.start())
        at = head
        while at < len(lines) and not lines[at].lstrip().startswith(("def ", "async def ")):
            at += 1
        if at >= len(lines) or at - head > 20:
            continue
        body = "\n".join(lines[i] for i in block(lines, at))
        if _FOREVER.search(body):
            found.append(Evidence(path, head + 1, f"long-running command: "
                                                  f"{lines[head].strip()[:100]}", "worker"))
    return found


def worker_processes(tree: FileTree) -> list[Evidence]:
    found = []
    for path, text in _application(tree, lambda p: "." not in _base(p) or _base(p).endswith(
            (".sh", ".bash", ".yml", ".yaml", ".ini", ".conf", ".cfg", ".service", ".toml"))
            or _DOCKERFILE.fullmatch(p) is not None):
        base = _base(path)
        if base == "Procfile" or base.startswith("Procfile."):
            found += _procfile(path, text)
        elif _DOCKERFILE.fullmatch(path):
            found += _command_lines(path, text)
        elif _COMPOSE.fullmatch(path):
            found += _compose(path, text)
        elif _is_yaml(path):
            if pipeline_kind(path) is None:
                found += _command_lines(path, text)
        elif _ini_like(path):
            found += _ini(path, text)
        elif base == "pyproject.toml" or path.endswith(".service"):
            found += _command_lines(path, text)
        elif _is_shell(path, text):
            found += _shell(path, text)
    if not found:
        for path, text in _application(tree):
            found += _cli_commands(path, text)
    return found


def supervisor_probes(tree: FileTree) -> list[Evidence]:
    found = []
    for path, text in _application(tree, _ini_like):
        if "[eventlistener:" in text or "[program:" in text:
            found += _ini(path, text, probes=True)
    return found
