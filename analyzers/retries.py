"""Retries in one application Python file, read as text (retry libraries, tenacity, backoff,
retrying, stamina..., are found by their imports in ``analyzers.runtime``; these rules find
what the code itself does):

- policies: ``Retry(...)`` (urllib3, google.api_core), ``max_retries``/``retries`` given to a
  client class or a library call (``HTTPAdapter(max_retries=3)``, botocore
  ``Config(retries={...})``, elasticsearch's ``bulk(..., max_retries=3)``);
- Celery: ``autoretry_for=``, ``.retry(...)`` calls, a task handing itself to a retry helper
  (``handle_retry(self, ...)``);
- loops: a ``while`` or ``for ... in range(...)`` loop around a ``try`` that leaves the loop on
  success (``return``/``break``) and whose handler goes round again, sleeping, counting
  attempts or continuing;
- reruns: a function that runs itself again after a failure, calling itself
  (``_run_sql(retries + 1)``) or enqueueing itself as a task (``fetch.delay(id)``,
  ``.apply_async``) from an ``except`` handler or from a branch that counts attempts
  (``if cert.attempts > MAX: give_up() else: fetch.delay(id)``). Plain recursion (a tree walk)
  is none.

Not a retry: a policy merely declared (``retry_kwargs=`` on a task that never retries) or
passed to the application's own function (``fetch(url, max_retries=2)``: read where that
function loops), nor going round again after a write conflict (``WatchError``,
``IntegrityError``): that is concurrency control.
"""

from __future__ import annotations

import re
from collections import Counter

from analyzers.filetree import Evidence, _hits
from analyzers.pytext import block, capped, enclosing, indent, line_at, name_before, region

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
    before = name_before(text, m.start())
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


_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(", re.M)
_HEADER = re.compile(r"^[ \t]*(if|elif|else|except|for|while|with|try|finally|def|async|class)\b")
_COUNTED = re.compile(r"retr|attempt|tries", re.I)


def _failure_path(lines: list[str], at: int, top: int) -> str | None:
    """Why the statement at ``lines[at]`` runs after a failure (the ``except`` handler or the
    branch counting attempts it sits in, up to the ``def`` at ``lines[top]``), or None."""
    level = indent(lines[at])
    for i in range(at - 1, top, -1):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#") or indent(line) >= level:
            continue
        level, header = indent(line), _HEADER.match(line)
        keyword = header.group(1) if header else ""
        if keyword == "except" and not _CONFLICT.search(line):
            return line.strip()
        chain = [i]
        if keyword == "else":  # the if/elif conditions this else is the other side of
            j = i - 1
            while j > top and (indent(lines[j]) > level or not lines[j].strip()
                               or re.match(r"[ \t]*elif\b", lines[j])):
                chain.append(j)
                j -= 1
            chain.append(j)
        if keyword in ("if", "elif", "else") and any(
                indent(lines[j]) == level and re.match(r"[ \t]*(?:el)?if\b", lines[j])
                and _COUNTED.search(lines[j]) for j in chain):
            return lines[chain[-1]].strip()
    return None


# (?<!\w): a match starts at a word's start only (the same matches; without it every inner
# position of a long word is tried again, quadratic in the word's length)
_CALLED = re.compile(r"(?<!\w)(\w+)(?:\.(?:delay|apply_async))?\(")
_COUNTED_CHARS = 2_000_000  # str.count per def up to this many characters scanned in all


def _call_counter(text: str, defs: int):
    """``name -> how often name(, name.delay( or name.apply_async( occurs``, its own def
    included: a bound for skipping the functions that never call themselves (every call the
    rerun rule reads is among them). ``str.count`` per function for most files (counting
    every call of every file with a regex cost a third of the operations stage); that one
    regex pass where a count per function would scan more than ``_COUNTED_CHARS`` (a big
    file with many functions)."""
    if defs * len(text) > _COUNTED_CHARS:
        return Counter(_CALLED.findall(text)).__getitem__
    return lambda name: sum(text.count(name + tail) for tail in ("(", ".delay(", ".apply_async("))


def _reruns(text: str, lines: list[str]) -> list[tuple[int, str]]:
    """(line index, detail) where a function runs itself again after a failure: it calls
    itself (``_run_sql(retries + 1)``, ``self.fetch(...)``) or enqueues itself as a task
    (``fetch_cert.delay(id)``, ``.apply_async``) from an ``except`` handler or from a branch
    that counts attempts (``if cert.attempts > MAX: ... else: fetch_cert.delay(id)``)."""
    found, top, pos = [], 0, 0
    defs = list(capped(_DEF.finditer(text), 200))
    called = _call_counter(text, len(defs))
    for m in defs:
        name = m.group(2)
        top, pos = top + text.count("\n", pos, m.start()), m.start()
        if called(name) < 2:  # its own def and at least one call
            continue
        again = None  # compiled at the first line naming it: most functions never call themselves
        first = line_at(text, m.end() + len(region(text, m.end() - 1)))  # below the signature
        calls = 10  # self-calls read per function: bounds the upward walks
        for i in range(first, min(len(lines), first + 400)):
            line = lines[i]
            if line.strip() and not line.lstrip().startswith("#") and indent(line) <= len(
                    m.group(1)):
                break
            if not calls or name not in line:
                continue
            again = again or re.compile(
                rf"(?<![\w.])(?:(?:self|cls)\.)?{name}(?:\.(?:delay|apply_async))?\(")
            if again.search(line.split("#", 1)[0]) and not _DEF.match(line):
                calls -= 1
                if (why := _failure_path(lines, i, top)):
                    found.append((i, f"{name} runs itself again after a failure ({why[:60]})"))
                    break
    return found


def retries(path: str, text: str, local: frozenset[str] = frozenset()) -> list[Evidence]:
    found = [Evidence(path, line, what, "retry")
             for line, m in capped(_hits(_RETRY_POLICY, text, ("Retry(", "retry", "retries")))
             if (what := _retry_policy(text, m, local))]
    lines = text.splitlines()
    if "try:" in text:
        found += [Evidence(path, i + 1, f"retry loop: {lines[i].strip()[:80]}", "retry")
                  for i in _retry_loops(lines)]
    found += [Evidence(path, i + 1, what, "retry") for i, what in _reruns(text, lines)]
    return found


__all__ = ["retries"]
