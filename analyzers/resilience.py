"""Resilience patterns in one application Python file, read as text: timeouts on outbound calls
and clients, retries, and circuit breakers (library ones are found by their imports in
``analyzers.runtime``; these rules find what the code itself does).

- timeout: a ``*timeout=`` keyword or ``"*timeout":`` key given to a call or a connection
  dict (``requests.get(..., timeout=5)``, ``smtplib.SMTP(..., timeout=3)``,
  ``Redis(socket_timeout=...)``, ``create_engine(connect_args={"connect_timeout": 5})``,
  ``requests_hardened.Config(default_timeout=...)``), ``sock.settimeout``,
  ``socket.setdefaulttimeout``, ``client.default_timeout = ...``, a curl ``TIMEOUT`` option, a
  ``Timeout(...)`` object, ``kwargs.setdefault("timeout", ...)``, Django's ``EMAIL_TIMEOUT``.
  A hand-written deadline counts too (``if elapsed > TIMEOUT: raise ...``), and so does a
  function that chooses the value for what it calls: a ``*timeout*`` parameter with a number
  for default handed on to a call (``def request(self, ..., timeout=30)`` passing ``timeout``
  to ``super().request``): the parameter's line.
  Not a timeout: cache expiry (``cache.set(..., timeout=)``, ``@cache.memoize(timeout=)``), a
  job or task time limit (``@job(..., timeout=)``, a schedule entry with ``func``/``interval``),
  lock, wait, subprocess and queue timeouts, the wait for a free connection of the
  application's own pool (SQLAlchemy ``pool_timeout``: it fires when the pool is exhausted,
  however healthy the database), how long shutdown may take (``shutdown_timeout``,
  ``graceful_timeout``), a parameter without a number or never handed on, an ORM filter on a
  field named ``timeout``, a constant merely defined (``S3_TIMEOUT = 60``), and a ``"timeout"``
  key of the data a call carries: a dict literal given as a positional argument
  (``emit_event({"title": t, "timeout": 10000}, key)``) or as ``json=``/``data=``/``payload=``
  (settings reach a client as keywords, ``**options`` or a named settings dict).
- retry: see ``analyzers.retries``.
- circuit_breaker: a module of a ``*breaker*`` package or file, a ``*Breaker*`` class (not a
  state enum), a call made through a breaker (``breaker.call(...)``, ``board.wrap_func(...)``,
  ``@db_breaker``), and the hand-written shape: a call skipped while the dependency reports
  unhealthy (``if not X.is_healthy(): ...``) with its errors recorded (``record_*_error()``).
"""

from __future__ import annotations

import re

from analyzers.filetree import Evidence, _hits
from analyzers.pytext import Enclosing, capped, enclosing, indent, name_before, region
from analyzers.retries import retries

# --- timeouts ----------------------------------------------------------------------------------
_TIMEOUT_ARG = re.compile(r"\b([a-z_]*timeout(?:_[a-z]+)*)[ \t]*(?::[ \t]*[\w.|\[\] ]*\w\]?[ \t]*)?"
                          r"=(?!=)"
                          r"|[\"']([a-z_]*timeout)[\"'][ \t]*:")
_NOT_CLIENT_NAME = re.compile(r"cache|job|task|visibility|lock|result|expire|soft|hard|retry"
                              r"|shutdown|graceful|pool")
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
_NUMBER = re.compile(r"[ \t]*\(?[ \t]*\d[\d_.]*[ \t]*[,)\n]")
# what a call carries (its payload) rather than how it connects
_PAYLOAD = frozenset({"json", "data", "body", "payload", "params", "message", "content"})
# calls a timeout value is converted, compared or logged through, not used in
_NOT_HANDED = frozenset({"timedelta", "int", "float", "str", "round", "min", "max", "print",
                         "format", "debug", "info", "warning", "error", "exception", "len"})
# a hand-written deadline: ``if elapsed > TIMEOUT:`` followed by ``raise``
_DEADLINE = re.compile(r"^[ \t]*(?:el)?if\b[^\n]*>=?[ \t]*[\w.]*timeout\w*\)?[ \t]*:[ \t]*\n"
                       r"(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*raise\b", re.M | re.I)


def _carried_data(text: str, literal: Enclosing) -> bool:
    """Is the dict literal opened at ``literal`` (nested or not) data a call carries: a
    positional argument of a function (not of a class: ``Elasticsearch([{"timeout": 5}])``
    builds a client; nor of ``kwargs.update``), or the value of a payload keyword
    (``json=``)?"""
    for _ in range(8):
        before = text[max(0, literal.start - 80):literal.start].rstrip()
        outer = enclosing(text, literal.start)
        if before.endswith("**") or outer is None:
            return False
        keyword = re.search(r"(?<![=!<>])\b(\w+)[ \t]*=\Z", before)
        if keyword or outer.kind == "(":
            return (outer.kind == "(" and bool(outer.callee) and not outer.definition
                    and (keyword.group(1) in _PAYLOAD if keyword else not (
                        outer.last[:1].isupper()  # a client built from its settings
                        or outer.last in ("update", "setdefault", "dict"))))
        literal = outer
    return False


def _is_client_timeout(text: str, m: re.Match[str]) -> bool:
    name = m.group(1) or m.group(2)
    if _NOT_CLIENT_NAME.search(name):
        return False
    around = enclosing(text, m.start())
    if around is None or around.definition or (m.group(1) and around.kind != "("):
        return False
    if m.group(2) and around.kind == "{" and _carried_data(text, around):
        return False
    return _client_setting(text, around)


def _client_setting(text: str, around: Enclosing) -> bool:
    """Can a timeout given inside ``around`` (a call or a dict) be a client's: not a cache, a
    job, a wait, an ORM filter or a queue's get?"""
    last = around.last
    if around.kind == "(" and (_NOT_CLIENT_CALL.search(around.callee.lower()) or last in _ORM
                               or (last in ("get", "put") and re.search(
                                   r"objects|queue", around.callee, re.I))):
        return False
    return not _JOB_OPTIONS.search(region(text, around.start))


def _timeout_call(text: str, m: re.Match[str]) -> str | None:
    """The evidence detail of a ``_TIMEOUT_CALLS`` match, or None when its context says no."""
    found, before = m.group(0).strip(), name_before(text, m.start())
    if m.group("attr"):  # client.default_timeout = 10, but not self.timeout of a value object
        return None if before in ("", "self", "cls") else f"{before}.{m.group('attr')} = ..."
    if found.endswith("Timeout(") and not m.group(0).startswith("."):
        if before and not before.endswith("."):
            return None  # ReadTimeout(...), an exception
        return f"{before}{found}...)"
    if m.group("key"):
        return f"{before}.setdefault({m.group('key')!r}, ...)"
    return f"{before}{found}...)" if found.endswith("(") else f"{before}{found}"


def _handed_on(text: str, lines: list[str], line: int, m: re.Match[str], signature: Enclosing
               ) -> str | None:
    """For a ``*timeout*=<number>`` parameter default in the ``def`` whose signature opens at
    ``signature``: the callee of the first call in the function's body that receives it
    (positionally or as a ``*timeout*=`` keyword), or None."""
    name = m.group(1)
    if _NOT_CLIENT_NAME.search(name) or not _NUMBER.match(text, m.end()):
        return None
    level = indent(lines[line - 1 - text.count("\n", signature.start, m.start())])
    close = signature.start + len(region(text, signature.start)) + 1
    first = line + text.count("\n", m.start(), close)  # the line below the signature
    kept = []
    for row in lines[first:first + 400]:  # the body: below the signature, deeper than def
        if row.strip() and not row.lstrip().startswith("#") and indent(row) <= level:
            break
        kept.append(row)
    body = "\n".join(kept)
    for use in capped(re.finditer(rf"(?:[(,][ \t\n]*|\b([a-z_]*timeout\w*)[ \t]*=[ \t]*)"
                                  rf"{name}\b(?![ \t]*[=.(\[])", body), 20):
        call = enclosing(body, use.end())
        if (call and call.kind == "(" and call.callee and not call.definition
                and call.last not in _NOT_HANDED and _client_setting(body, call)):
            return call.callee
    return None


def timeouts(path: str, text: str) -> list[Evidence]:
    found, lines = [], []
    for line, m in capped(_hits(_TIMEOUT_ARG, text, ("timeout",))):
        around = enclosing(text, m.start())
        if m.group(1) and around is not None and around.definition:
            lines = lines or text.splitlines()
            if (callee := _handed_on(text, lines, line, m, around)):
                found.append(Evidence(path, line, f"{m.group(1)}=... default handed to "
                                                  f"{callee}(...)", "timeout"))
            continue
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
