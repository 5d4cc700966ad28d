"""Resilience patterns in one application Python file, read as text: timeouts on outbound calls
and clients, retries, and circuit breakers (library ones are found by their imports in
``analyzers.runtime``; these rules find what the code itself does).

- timeout: a ``*timeout=`` keyword or ``"*timeout":`` key given to a call or a connection
  dict (``requests.get(..., timeout=5)``, ``smtplib.SMTP(..., timeout=3)``,
  ``Redis(socket_timeout=...)``, ``create_engine(connect_args={"connect_timeout": 5})``,
  ``requests_hardened.Config(default_timeout=...)``), ``sock.settimeout``,
  ``socket.setdefaulttimeout``, ``client.default_timeout = ...``, a curl ``TIMEOUT`` option, a
  ``Timeout(...)`` object, ``kwargs.setdefault("timeout", ...)``, Django's ``EMAIL_TIMEOUT``.
  A hand-written deadline counts too (``if elapsed > TIMEOUT: raise ...``).
  Not a timeout: cache expiry (``cache.set(..., timeout=)``, ``@cache.memoize(timeout=)``), a
  job or task time limit (``@job(..., timeout=)``, a schedule entry with ``func``/``interval``),
  lock, wait, subprocess and queue timeouts, a ``def`` parameter, an ORM filter on a field
  named ``timeout``, a constant merely defined (``S3_TIMEOUT = 60``).
- retry: ``Retry(...)`` policies (urllib3, google.api_core), ``max_retries``/``retries`` given
  to a client class or a library call (``HTTPAdapter(max_retries=3)``, elasticsearch's
  ``bulk(..., max_retries=3)``), Celery ``autoretry_for=`` and
  ``.retry(...)`` calls, a task handing itself to a retry helper (``handle_retry(self, ...)``),
  and explicit retry loops: a ``while`` or ``for ... in range(...)`` loop around a ``try`` that
  leaves the loop on success (``return``/``break``) and whose handler goes round again, sleeping,
  counting attempts or continuing. A retry policy merely declared (``retry_kwargs=`` on a task
  that never retries) or passed to the application's own function (``fetch(url,
  max_retries=2)``: read where that function loops) is not a retry, nor is going round again
  after a write conflict (``WatchError``, ``IntegrityError``): that is concurrency control.
- circuit_breaker: a module of a ``*breaker*`` package or file, a ``*Breaker*`` class (not a
  state enum), a call made through a breaker (``breaker.call(...)``, ``board.wrap_func(...)``,
  ``@db_breaker``), and the hand-written shape: a call skipped while the dependency reports
  unhealthy (``if not X.is_healthy(): ...``) with its errors recorded (``record_*_error()``).
"""

from __future__ import annotations

import re

from analyzers.filetree import Evidence, _hits
from analyzers.pytext import block, capped, enclosing, indent, region

# --- timeouts ----------------------------------------------------------------------------------
_TIMEOUT_ARG = re.compile(r"\b([a-z_]*timeout)[ \t]*=(?!=)|[\"']([a-z_]*timeout)[\"'][ \t]*:")
_NOT_CLIENT_NAME = re.compile(r"cache|job|task|visibility|lock|result|expire|soft|hard|retry")
_NOT_CLIENT_CALL = re.compile(r"cache|memoize|lru|job|task|acquire|wait|join|select|poll|sleep"
                              r"|lock|expire|setex|subprocess|communicate|check_output"
                              r"|check_call|as_completed")
_ORM = frozenset({"set", "filter", "exclude", "update", "create", "get_or_create",
                  "update_or_create", "annotate", "values", "order_by", "Field"})
_JOB_OPTIONS = re.compile(r"(?:\b|[\"'])(?:func|interval|result_ttl|ttl|job_id|at_front|queue"
                          r"|queue_class|cron_string|repeat|countdown|eta)[\"']?[ \t]*[=:]")
_TIMEOUT_CALLS = re.compile(  # literal-led alternatives: fast; context checked in _timeout_call
    r"\.settimeout\(|setdefaulttimeout\(|pycurl\.(?:CONNECT)?TIMEOUT(?:_MS)?\b"
    r"|\.(?P<attr>[a-z]+_timeout)[ \t]*=(?!=)|(?:ClientTimeout|Timeout)\((?!\))"
    r"|\.setdefault\([ \t]*[\"'](?P<key>[a-z_]*timeout)[\"']"
    r"|^[ \t]*EMAIL_TIMEOUT[ \t]*=[ \t]*(?!None\b)[^\n#]+", re.M)
_NAME_BEFORE = re.compile(r"[\w.]*\Z")
# a hand-written deadline: ``if elapsed > TIMEOUT:`` followed by ``raise``
_DEADLINE = re.compile(r"^[ \t]*(?:el)?if\b[^\n]*>=?[ \t]*[\w.]*timeout\w*\)?[ \t]*:[ \t]*\n"
                       r"(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*raise\b", re.M | re.I)


def _is_client_timeout(text: str, m: re.Match[str]) -> bool:
    name = m.group(1) or m.group(2)
    if _NOT_CLIENT_NAME.search(name):
        return False
    around = enclosing(text, m.start())
    if around is None or around.definition or (m.group(1) and around.kind != "("):
        return False
    last = around.last
    if around.kind == "(" and (_NOT_CLIENT_CALL.search(around.callee.lower()) or last in _ORM
                               or (last in ("get", "put") and re.search(
                                   r"objects|queue", around.callee, re.I))):
        return False
    return not _JOB_OPTIONS.search(region(text, around.start))


def _name_before(text: str, pos: int) -> str:
    return _NAME_BEFORE.search(text[max(0, pos - 80):pos]).group(0)


def _timeout_call(text: str, m: re.Match[str]) -> str | None:
    """The evidence detail of a ``_TIMEOUT_CALLS`` match, or None when its context says no."""
    found, before = m.group(0).strip(), _name_before(text, m.start())
    if m.group("attr"):  # client.default_timeout = 10, but not self.timeout of a value object
        return None if before in ("", "self", "cls") else f"{before}.{m.group('attr')} = ..."
    if found.endswith("Timeout(") and not m.group(0).startswith("."):
        if before and not before.endswith("."):
            return None  # ReadTimeout(...), an exception
        return f"{before}{found}...)"
    if m.group("key"):
        return f"{before}.setdefault({m.group('key')!r}, ...)"
    return f"{before}{found}...)" if found.endswith("(") else f"{before}{found}"


def timeouts(path: str, text: str) -> list[Evidence]:
    found = []
    for line, m in capped(_hits(_TIMEOUT_ARG, text, ("timeout",))):
        if _is_client_timeout(text, m):
            around = enclosing(text, m.start())
            name = m.group(1) or m.group(2)
            found.append(Evidence(path, line, f"{around.callee}(..., {name}=...)" if around
                                  and around.callee else f"{name}: ...", "timeout"))
    for line, m in capped(_hits(_TIMEOUT_CALLS, text, ("timeout", "TIMEOUT", "Timeout("))):
        if (what := _timeout_call(text, m)):
            found.append(Evidence(path, line, what, "timeout"))
    found += [Evidence(path, line, "deadline: " + m.group(0).split("\n")[0].strip()[:80], "timeout")
              for line, m in _hits(_DEADLINE, text, ("imeout", "IMEOUT"))]
    return found


# --- retries -----------------------------------------------------------------------------------
_RETRY_POLICY = re.compile(r"(?P<policy>Retry)\((?!\))|\bautoretry_for[ \t]*=|\.retry\("
                           r"|(?P<helper>retry\w*)\([ \t]*self\b"
                           r"|\b(?P<kw>max_retries|retries)[ \t]*="
                           r"[ \t]*(?!0\b|None\b|False\b)")
_DEF_BEFORE = re.compile(r"\bdef[ \t]+\Z")
_LOOP = re.compile(r"^[ \t]*(?:while\b[^\n]*|for[ \t]+\w+[ \t]+in[ \t]+range\([^\n]*):[ \t]*$")
_EXITS = re.compile(r"^[ \t]*(?:return|break)\b")
_LEAVES = re.compile(r"^[ \t]*(?:raise|return|break)\b")
_AGAIN = re.compile(r"\bsleep\(|^[ \t]*continue\b|[-+]=[ \t]*1\b|retr|attempt|tries", re.M)
# Going round again after a write conflict is concurrency control, not resilience
_CONFLICT = re.compile(r"Watch|Integrity|Conflict|Stale|Concurren")


_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+", re.M)
_PLAIN_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w. \t,]+)", re.M)


def _imported_from(text: str, name: str) -> str | None:
    """The module a file imports ``name`` from (``from a.b import name``, ``import name``)."""
    for m in _FROM_IMPORT.finditer(text):
        rest = text[m.end():m.end() + 2000]
        names = rest[1:rest.find(")")] if rest.startswith("(") else rest.split("\n", 1)[0]
        for part in names.replace("\\", " ").split(","):
            words = part.split("#")[0].split()
            if words and words[-1] == name:
                return m.group(1)
    for m in _PLAIN_IMPORT.finditer(text):
        for part in m.group(1).split(","):
            words = part.split()
            if words and (words[-1] == name or words[0].split(".")[0] == name):
                return words[0]
    return None


def _library_call(text: str, callee: str, local: frozenset[str]) -> bool:
    """Is ``callee`` a class, or a function imported from a library (not from the
    application's own packages ``local``, whose own code is read in its own file)?"""
    if callee.rpartition(".")[2][:1].isupper():
        return True
    module = _imported_from(text, callee.split(".")[0])
    return bool(module) and not module.startswith(".") and module.split(".")[0] not in local


def _retry_policy(text: str, m: re.Match[str], local: frozenset[str]) -> str | None:
    """The evidence detail of a ``_RETRY_POLICY`` match, or None when its context says no."""
    before = _name_before(text, m.start())
    if m.group("policy"):  # urllib3 / google.api_core Retry(...), not EventDeliveryRetry(...)
        return f"{before}Retry(...) policy" if not before or before.endswith(".") else None
    if m.group("helper"):  # a task handing itself to a retry helper, not a method definition
        if "." in before or _DEF_BEFORE.search(text[max(0, m.start() - len(before) - 20):
                                                    m.start() - len(before)]):
            return None
        return f"{before}{m.group('helper')}(self, ...): the task retries"
    if not m.group("kw"):
        return (f"{before}.retry(...)" if m.group(0) == ".retry(" else "Celery autoretry_for=")
    around = enclosing(text, m.start())  # a client or library call configured to retry
    if (around and around.kind == "(" and around.callee and not around.definition
            and _library_call(text, around.callee, local)):
        return f"{around.callee}(..., {m.group('kw')}=...)"
    return None


def _handlers(lines: list[str], body: list[int], try_at: int
              ) -> tuple[list[int], list[tuple[int, list[int]]]]:
    """(lines of the try block, (except line, lines of its handler) for each handler) for the
    ``try:`` at ``try_at``."""
    level = indent(lines[try_at])
    attempt = block(lines, try_at)
    handlers = []
    for i in body:
        if i > try_at and indent(lines[i]) == level:
            if not lines[i].lstrip().startswith("except"):
                break
            handlers.append((i, block(lines, i)))
    return attempt, handlers


def _retry_loops(lines: list[str]) -> list[int]:
    """Line indices of loops that retry an operation (see the module's docstring)."""
    found = []
    loops = (i for i, line in enumerate(lines)
             if ("while" in line or "range(" in line) and _LOOP.match(line))
    for head in capped(loops):
        line = lines[head]
        body = block(lines, head)
        if not body:
            continue
        top = indent(lines[body[0]])
        tries = (i for i in body if indent(lines[i]) == top and lines[i].strip() == "try:")
        for t in capped(tries, 10):
            attempt, handlers = _handlers(lines, body, t)
            if not any(_EXITS.match(lines[i]) for i in attempt):
                continue
            for caught, handler in handlers:
                if not handler or _CONFLICT.search(lines[caught]):
                    continue
                last_top = [i for i in handler if indent(lines[i]) == indent(lines[handler[0]])]
                text = "\n".join(lines[i] for i in handler)
                again = _AGAIN.search(text) or "range(" in line or re.search(
                    r"retr|attempt|tries", line)
                if again and ("continue" in text or not _LEAVES.match(lines[last_top[-1]])):
                    found.append(head)
                    break
            else:
                continue
            break
    return found


def retries(path: str, text: str, local: frozenset[str] = frozenset()) -> list[Evidence]:
    found = [Evidence(path, line, what, "retry")
             for line, m in capped(_hits(_RETRY_POLICY, text, ("Retry(", "retry", "retries")))
             if (what := _retry_policy(text, m, local))]
    if "try:" in text:
        lines = text.splitlines()
        found += [Evidence(path, i + 1, f"retry loop: {lines[i].strip()[:80]}", "retry")
                  for i in _retry_loops(lines)]
    return found


# --- circuit breakers --------------------------------------------------------------------------
_BREAKER_CLASS = re.compile(r"^[ \t]*class[ \t]+(\w*Breaker\w*)[ \t]*(\([^)\n]*\))?[ \t]*:",
                            re.M)
_NOT_A_BREAKER = ("State", "Enum", "Type", "Error", "Exception")
_THROUGH_BREAKER = re.compile(r"\b\w*breaker\w*\.(?:call|call_async|wrap\w*|protect\w*|guard)\("
                              r"|^[ \t]*@\w*breaker\w*\b", re.M | re.I)
_BREAKER_PATH = re.compile(r"(?:^|[/_.-])(?:circuit[_-]?)?breakers?(?:[/_.-]|\Z)")
_DEFINES = re.compile(r"^[ \t]*(?:class|def|async[ \t]+def)[ \t]+\w+", re.M)
_GUARD = re.compile(r"^[ \t]*if[ \t]+not[ \t]+[\w.]*(?:is_healthy|healthy|is_available|is_closed"
                    r"|allow_request)\(", re.M)
_RECORD_ERROR = re.compile(r"(?<!def )\b(?:record|register)_\w*(?:error|failure)\w*\(")


def breakers(path: str, text: str) -> list[Evidence]:
    found = []
    if _BREAKER_PATH.search(path.lower()):
        first = next(_hits(_DEFINES, text), None)
        if first:
            found.append(Evidence(path, first[0], "circuit breaker module", "circuit_breaker"))
    found += [Evidence(path, line, f"class {m.group(1)}", "circuit_breaker")
              for line, m in _hits(_BREAKER_CLASS, text, ("Breaker",))
              if not m.group(1).endswith(_NOT_A_BREAKER) and "Enum" not in (m.group(2) or "")]
    found += [Evidence(path, line, f"call through a breaker: {m.group(0).strip()}",
                       "circuit_breaker")
              for line, m in _hits(_THROUGH_BREAKER, text, ("breaker", "Breaker"))]
    recorded = ("record_" in text or "register_" in text) and _RECORD_ERROR.search(text)
    guard = recorded and next(_hits(_GUARD, text, ("healthy", "available", "closed",
                                                   "allow_request")), None)
    if guard:
        found.append(Evidence(path, guard[0], "call skipped while the dependency is unhealthy "
                                              "(hand-written breaker)", "circuit_breaker"))
    return found


def resilience_patterns(path: str, text: str, local: frozenset[str] = frozenset()
                        ) -> list[Evidence]:
    """Timeouts, retries and breakers in one file; ``local``: the top-level packages of the
    application (a ``max_retries=`` handed to one of its own functions is read where that
    function retries)."""
    return timeouts(path, text) + retries(path, text, local) + breakers(path, text)


__all__ = ["breakers", "resilience_patterns", "retries", "timeouts"]
