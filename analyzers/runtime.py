"""How the application runs: observability (health endpoints, probes, tracing, metrics),
resilience (timeouts, retries, circuit breakers), messaging (job systems, queues, worker
processes) and configuration from the environment.

Only application files count (``analyzers.opsbase._application``: tests, fixtures, migrations
and test settings never do). The rules, each with the line that decides it:
- health endpoint: a health path (``health``, ``healthz``, ``ready``, ``live``, ``ping``,
  ``status``...) declared as the application's own route: ``path("status/")``,
  ``@app.get("/healthz")``, ``@bp.route("/ping")``, ``Route("/ready")``, or handed to a health
  wrapper (``health_check(app, "/health/")``). A URL the code requests is someone else's.
- probe: Dockerfile ``HEALTHCHECK``, Kubernetes liveness/readiness/startup probes, a compose
  ``healthcheck:`` of a service that runs the application (not of its database or cache), a
  supervisord health listener (``analyzers.launchers``).
- configuration: a Python file that reads environment variables (``os.environ[...]``,
  ``os.environ.get``, ``os.getenv``) or reads through a settings library (django-environ,
  python-decouple, pydantic ``BaseSettings``, dynaconf, starlette ``Config``), or loads the
  configuration an environment variable names or holds (Flask/Quart
  ``app.config.from_envvar("APP_SETTINGS")``, ``app.config.from_prefixed_env()``). Writing the
  environment (``os.environ[k] = v``, ``setdefault``, ``pop``), passing it on (``env=os.environ``),
  reading back what the file wrote, and reading ``DJANGO_SETTINGS_MODULE`` or a CI/VCS token
  (``GITHUB_TOKEN``: release tooling) are not configuration.
- queues: names the application declares: ``queue="x"`` in task code, ``Queue("x")``,
  ``@job("x")``, ``{"queue": "x"}`` routes, ``RQ_QUEUES`` keys, and identifiers named
  ``*queue``/``*queues``/``*queue_name`` holding a literal (also as the default of an environment
  lookup or a model field: ``CELERY_TASK_DEFAULT_QUEUE = os.environ.get(..., "celery")``).
"""

from __future__ import annotations

import hashlib
import re

from analyzers.delivery import _COMPOSE, _DOCKERFILE, _is_yaml
from analyzers.filetree import Evidence, FileTree, _hits, _sorted
from analyzers.launchers import supervisor_probes, worker_processes
from analyzers.opsbase import (
    _application,
    _application_paths,
    _deps,
    library_dependencies,
    library_imports,
)
from analyzers.pytext import CANDIDATES, block, call_args, capped, enclosing, indent, region
from analyzers.resilience import resilience_patterns


# --- observability -----------------------------------------------------------------------------
_HEALTH_WORDS = ("health|healthz|healthcheck|health-check|health_check|ready|readyz|readiness"
                 "|live|livez|liveness|ping|status|heartbeat")
_HEALTH = re.compile(rf"[rbu]?[\"'](\^?/?(?:[^\"'\s/]+/)*?)({_HEALTH_WORDS})/?\$?[\"']")
_HEALTH_END = re.compile(rf"(?:{_HEALTH_WORDS})/?\$?[\"']")
_ROUTE_CALLS = frozenset({"path", "re_path", "url", "route", "add_url_rule", "api_route",
                          "add_route", "add_api_route", "Route"})
_DECORATOR_ROUTES = frozenset({"get", "head"})
_PARAMETER = re.compile(r"[<{(]")
_PROBE = re.compile(r"^[ \t]*(livenessProbe|readinessProbe|startupProbe|healthcheck):", re.M)
_DOCKER_HEALTH = re.compile(r"^[ \t]*HEALTHCHECK\b(?![ \t]+NONE\b)", re.M)
# Images of the services an application depends on (a probe of those is not the application's)
_INFRA_IMAGES = frozenset({
    "postgres", "postgis", "mysql", "mariadb", "redis", "valkey", "mongo", "memcached",
    "rabbitmq", "elasticsearch", "opensearch", "kibana", "minio", "traefik", "nginx", "caddy",
    "haproxy", "adminer", "pgadmin4", "mailhog", "maildev", "mailpit", "localstack",
    "zookeeper", "kafka", "cp-kafka", "clickhouse-server", "influxdb", "grafana", "prometheus",
    "jaeger", "all-in-one", "selenium", "standalone-chrome", "keycloak", "vault", "consul",
    "etcd", "nats", "pgbouncer", "cassandra", "couchdb", "neo4j", "solr", "typesense",
    "meilisearch", "qdrant", "otel-collector", "opentelemetry-collector"})


def _own_route(text: str, m: re.Match[str]) -> bool:
    """Is this health path string the application's own route declaration?"""
    prefix = m.group(1)
    parent = prefix.strip("^/").rpartition("/")[2]
    if "//" in prefix or (parent and _PARAMETER.search(parent)):
        return False  # a URL elsewhere, or the status of one resource (orders/<id>/status/)
    around = enclosing(text, m.start())
    if around is None or around.kind != "(" or around.definition:
        return False
    last, line_start = around.last, text.rfind("\n", 0, around.start) + 1
    if last in _DECORATOR_ROUTES:
        return text[line_start:around.start].lstrip().startswith("@")
    if "health" in around.callee.lower():  # app = health_check(app, "/health/"): a wrapper
        wrapped = re.match(r"[ \t]*(\w+)[ \t]*=[ \t]*[\w.]+\([ \t]*(\w+)",
                           text[line_start:around.start + 100])
        return bool(wrapped and wrapped.group(1) == wrapped.group(2))
    return last in _ROUTE_CALLS and not _mounted_under_parameter(text, around.start)


def _mounted_under_parameter(text: str, route_at: int) -> bool:
    """Is the URL list holding the route at ``route_at`` included, in the same file, under a
    prefix with a parameter (``path("checks/<uuid:code>/", include(check_urls))``)? Then the
    route is the status of one resource, not the application's health."""
    holder = enclosing(text, route_at)
    if holder is None or holder.kind not in "[(":
        return False
    name = re.search(r"(\w+)[ \t]*(?::[^=\n]*)?=[ \t]*\Z",
                     text[max(0, holder.start - 200):holder.start])
    if not name:
        return False
    for m in re.finditer(rf"\binclude\([ \t]*{name.group(1)}\b", text):
        mount = enclosing(text, m.start())
        prefix = re.match(r"[ \t\n]*[rbu]?[\"']([^\"']*)[\"']", region(text, mount.start)
                          ) if mount and mount.kind == "(" else None
        if prefix and _PARAMETER.search(prefix.group(1)):
            return True
    return False


def _health_words(text: str):
    """Matches of ``_HEALTH_END``, found with ``str.find`` first (a regex alternation over
    every position of every file is ten times slower)."""
    for stem in ("health", "ready", "live", "ping", "status", "heartbeat"):
        at, left = text.find(stem), CANDIDATES
        while at >= 0 and left:
            if (m := _HEALTH_END.match(text, at)) and not (
                    at and (text[at - 1].isalnum() or text[at - 1] in "_-")):
                left -= 1
                yield m
            at = text.find(stem, at + 1)


def _health_literals(text: str):
    """(line, match of ``_HEALTH``) for each string literal ending in a health word."""
    line, pos = 1, 0
    for end in sorted(_health_words(text), key=lambda m: m.start()):
        line, pos = line + text.count("\n", pos, end.start()), end.start()
        quote = text[end.end() - 1]
        start = text.rfind(quote, max(0, end.start() - 300), end.start())
        if start < 0:
            continue
        start -= text[start - 1:start] in ("r", "b", "u")
        if (m := _HEALTH.match(text, start)) and m.end() == end.end():
            yield line, m


def _health_endpoints(path: str, text: str) -> list[Evidence]:
    out = []
    for line, m in _health_literals(text):
        if _own_route(text, m):
            route = m.group(0).lstrip("rbu")
            out.append(Evidence(path, line, f"health endpoint {route}", "health_check"))
    return out


def _service_runs_the_app(lines: list[str], at: int) -> bool:
    """For a compose ``healthcheck:`` at ``lines[at]``: does its service build or run the
    application (a ``build:``, or an image that is not a well-known infrastructure image)?"""
    level = indent(lines[at])
    head = next((i for i in range(at - 1, -1, -1) if lines[i].strip()
                 and not lines[i].lstrip().startswith("#") and indent(lines[i]) < level), None)
    if head is None:
        return True
    keys = {}
    for i in block(lines, head):
        if indent(lines[i]) == level and ":" in lines[i]:
            key, _, value = lines[i].strip().partition(":")
            keys[key] = value.strip().strip("\"'")
    if "build" in keys:
        return True
    image = keys.get("image", "")
    name = image.rsplit("/", 1)[-1].split(":")[0].split("@")[0]
    return not image or "$" in image or name not in _INFRA_IMAGES


def _probes(tree: FileTree) -> list[Evidence]:
    found = []
    for path, text in _application(tree, _is_yaml):
        lines = text.splitlines()
        compose = _COMPOSE.fullmatch(path)
        found += [Evidence(path, line, m.group(1), "health_check")
                  for line, m in capped(_hits(_PROBE, text, ("Probe:", "healthcheck:")))
                  if not compose or _service_runs_the_app(lines, line - 1)]
    for path, text in _application(tree, _DOCKERFILE.fullmatch):
        found += [Evidence(path, line, "Docker HEALTHCHECK", "health_check")
                  for line, _ in _hits(_DOCKER_HEALTH, text, ("HEALTHCHECK",))]
    return found + supervisor_probes(tree)


def _topic(tree: FileTree, deps: tuple[Evidence, ...] | None, topic: str, in_file,
           in_tree) -> tuple[Evidence, ...]:
    """A topic's evidence: its libraries imported or declared, ``in_file(path, text)`` for each
    application file, ``in_tree(tree)`` for the files that start or probe processes."""
    found = []
    for path, text in _application(tree):
        found += tree.evidence(topic, path, text, lambda p, t: library_imports(p, t, topic)
                               + in_file(p, t))
    found += in_tree(tree)
    found += library_dependencies(_deps(tree, deps), topic)
    return _sorted(found)


def detect_observability(tree: FileTree, deps: tuple[Evidence, ...] | None = None
                         ) -> tuple[Evidence, ...]:
    return _topic(tree, deps, "observability", _health_endpoints, _probes)


# --- resilience --------------------------------------------------------------------------------
_HTTP_CALL = re.compile(r"\b(requests|httpx)\.(get|post|put|patch|delete|head|options|request)\(")
_TIMEOUT_KW = re.compile(r"\btimeout[ \t]*=")


def _local_packages(tree: FileTree) -> frozenset[str]:
    """Names the application's own code is imported as: its outermost packages (wherever they
    sit: ``src/shop``, ``backend/app``) and the modules at the root."""
    packages = {p.rpartition("/")[0] for p in tree.paths if p.endswith("/__init__.py")}
    tops = {d.rpartition("/")[2] for d in packages if d.rpartition("/")[0] not in packages}
    return frozenset(tops | {p[:-3] for p in tree.paths if p.endswith(".py") and "/" not in p})


def detect_resilience(tree: FileTree, deps: tuple[Evidence, ...] | None = None
                      ) -> tuple[Evidence, ...]:
    found, local = [], _local_packages(tree)
    # what the per-file results depend on beyond the file: one digest, not every name per file
    names = hashlib.sha256("\0".join(sorted(local)).encode("utf-8", "surrogatepass")).hexdigest()
    for path, text in _application(tree):
        found += tree.evidence("resilience", path, text,
                               lambda p, t: _resilience_in(p, t, local), names)
    found += library_dependencies(_deps(tree, deps), "resilience")
    return _sorted(found)


def _resilience_in(path: str, text: str, local: frozenset[str]) -> list[Evidence]:
    found = library_imports(path, text, "resilience")
    for line, m in _hits(_HTTP_CALL, text, ("requests.", "httpx.")):
        args = call_args(text, m.end())
        if m.group(1) == "requests" and not _TIMEOUT_KW.search(args) and "**" not in args:
            found.append(Evidence(path, line, f"requests.{m.group(2)}() without timeout: "
                                              "can hang forever", "no_timeout"))
    return found + resilience_patterns(path, text, local)


# --- messaging ---------------------------------------------------------------------------------
_ROUTES = re.compile(r"\b(task_routes|CELERY_TASK_ROUTES|CELERY_ROUTES|task_queues"
                     r"|CELERY_TASK_QUEUES|RQ_QUEUES)\b[\"']?[ \t]*[=:]")
_NAME = r"[\"']([\w.:-]+)[\"']"
_QUEUE_KW = re.compile(rf"\bqueue[ \t]*=[ \t]*{_NAME}")
_QUEUE_DECLARED = re.compile(  # queue.Queue never takes a name: these are job queues
    rf"\bQueue\([ \t]*(?:name[ \t]*=[ \t]*)?{_NAME}|^[ \t]*@(?:\w+\.)*job\([ \t]*{_NAME}", re.M)
_QUEUE_ROUTE = re.compile(rf"[\"']queue[\"'][ \t]*:[ \t]*{_NAME}")
_QUEUE_IDENT = re.compile(r"\b(\w+_queues?|\w*queue_name)[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*", re.I)
_LITERAL = re.compile(rf"\A{_NAME}")
_KEY = re.compile(rf"[ \t\n,]*{_NAME}[ \t]*:")
_DEFAULT = re.compile(rf"\bdefault[ \t]*=[ \t]*{_NAME}")
_SECOND = re.compile(rf"\A[ \t\n]*[\"'][^\"'\n]*[\"'][ \t]*,[ \t\n]*{_NAME}")
_TASKISH = ("celery", "shared_task", "apply_async", ".task(", "dramatiq", "django_rq", "rq.",
            "from rq", "import rq", "kombu", "huey")


def _named(value: str, text: str, at: int) -> list[str]:
    """The queue names a right-hand side starting at ``text[at:]`` holds."""
    if (m := _LITERAL.match(value)):
        return [m.group(1)]
    if value[:1] in "[(":
        return re.findall(_NAME, region(text, at))
    call = re.match(r"[\w.]+\(", value)
    if call:
        args = call_args(text, at + call.end())
        default = _DEFAULT.search(args) or (_SECOND.match(args) if re.search(
            r"(?:get|getenv|config|env|str)\($", call.group(0)) else None)
        return [default.group(1)] if default else []
    return []


def _rq_queue_keys(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    if "RQ_QUEUES" not in text:
        return out
    for m in capped(re.finditer(r"\bRQ_QUEUES[ \t]*=[ \t]*\{", text), 10):
        body, depth, first = region(text, m.end() - 1), 0, text.count("\n", 0, m.end()) + 1
        for i, c in enumerate(body):  # keys: the literals before a ":" at the dict's own level
            depth += (c in "([{") - (c in ")]}")
            if depth == 0 and (i == 0 or c in ",\n") and (k := _KEY.match(body, i)):
                out.append((first + body.count("\n", 0, k.start(1)), k.group(1)))
    return out


def _queues(path: str, text: str) -> list[Evidence]:
    found = [Evidence(path, line, f"task routing: {m.group(1)}", "queues")
             for line, m in _hits(_ROUTES, text, ("ROUTES", "routes", "QUEUES", "queues"))]
    found += [Evidence(path, line, f"queue={next(filter(None, m.groups()))!r}", "queues")
              for line, m in _hits(_QUEUE_DECLARED, text, ("Queue(", "job("))]
    if any(word in text for word in _TASKISH):  # a bare queue= or "queue": in task code only
        found += [Evidence(path, line, f"queue={m.group(1)!r}", "queues")
                  for regex in (_QUEUE_KW, _QUEUE_ROUTE)
                  for line, m in _hits(regex, text, ("queue",))]
    for line, m in capped(_hits(_QUEUE_IDENT, text, ("queue", "QUEUE"))):
        around = enclosing(text, m.start())
        if around is not None and around.definition:
            continue  # a parameter's default
        found += [Evidence(path, line, f"queue={name!r} ({m.group(1)})", "queues")
                  for name in _named(text[m.end():m.end() + 200], text, m.end())
                  if name.lower() != "none"]
    found += [Evidence(path, line, f"queue={name!r} (RQ_QUEUES)", "queues")
              for line, name in _rq_queue_keys(text)]
    return found


def detect_messaging(tree: FileTree, deps: tuple[Evidence, ...] | None = None
                     ) -> tuple[Evidence, ...]:
    return _topic(tree, deps, "messaging", _queues, worker_processes)


# --- configuration -----------------------------------------------------------------------------
_ENV_READ = re.compile(
    r"(?<![\w.])(?P<mod>os\.)?(?:environ\.get|getenv)\([ \t]*(?P<key>[^,)\n]*)"
    r"|(?<![\w.])(?P<mod2>os\.)?environ\[(?P<sub>[^\]\n]+)\](?![ \t]*=(?!=))")
_FROM_OS = re.compile(r"^[ \t]*from[ \t]+os[ \t]+import[^\n]*\b(environ|getenv)\b", re.M)
_ENV_WRITE = re.compile(r"(?<![\w.])(?:os\.)?environ\[([^\]\n]+)\][ \t]*=(?!=)")
_NOT_CONFIG_KEY = re.compile(r"[\"'](?:DJANGO_SETTINGS_MODULE|(?:GITHUB|GH|GITLAB|CI)(?:_\w+)?)"
                             r"[\"']\Z")
_READERS = (  # (library import, use that reads the environment, kind, detail)
    ("environ", re.compile(r"^[ \t]*(\w+)[ \t]*=[ \t]*(?:environ\.)?Env\(|\bread_env\(", re.M),
     "django-environ", "django-environ Env"),
    ("decouple", re.compile(r"\b(?:config|AutoConfig|RepositoryEnv)\("), "python-decouple",
     "python-decouple config"),
    ("pydantic", re.compile(r"^[ \t]*class[ \t]+\w+\([^)\n]*\bBaseSettings\b", re.M),
     "pydantic-settings", "pydantic BaseSettings"),
    ("dynaconf", re.compile(r"\b(?:Dynaconf|LazySettings)\("), "dynaconf", "dynaconf settings"),
    ("starlette.config", re.compile(r"\bConfig\("), "env_vars",
     "starlette Config (environment and .env file)"),
)
# Flask's (and Quart's) Config: a settings file named by a variable, or FLASK_* variables
_CONFIG_FROM_ENV = re.compile(r"\.from_(?:envvar|prefixed_env)\(")
_IMPORTS = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import|import[ \t]+([\w.]+))", re.M)
_ENV_TEMPLATE = re.compile(r"(?:.*/)?\.env\.(?:example|sample|template|dist)")


def _env_reads(text: str) -> list[int]:
    if "environ" not in text and "getenv" not in text:
        return []
    bare = {m.group(1) for m in _FROM_OS.finditer(text)}
    written = {re.sub(r"\s", "", m.group(1)) for m in _ENV_WRITE.finditer(text)}
    lines = []
    for line, m in _hits(_ENV_READ, text, ("environ", "getenv")):
        if not (m.group("mod") or m.group("mod2")) and not (
                ("getenv" in bare and "getenv" in m.group(0)) or (
                    "environ" in bare and m.group(0).startswith("environ"))):
            continue
        key = (m.group("key") or m.group("sub") or "").strip()
        if _NOT_CONFIG_KEY.match(key) or (m.group("sub") and re.sub(r"\s", "", key) in written):
            continue
        if text[max(0, m.start() - 4):m.start()] == "del ":
            continue
        lines.append(line)
    return lines


def _library_reads(path: str, text: str) -> list[Evidence]:
    if not any(library in text for library, *_ in _READERS):
        return []
    imported = {m.group(1) or m.group(2) for m in _IMPORTS.finditer(text)}
    found = []
    for library, use, kind, detail in _READERS:
        if not any(i == library or i.startswith((library + ".", library + "_"))
                   for i in imported):
            continue
        for line, m in _hits(use, text):
            instance = m.group(1) if m.re.groups else None
            if instance and not re.search(rf"\b{instance}(?:\.\w+)?\(", text[m.end():]):
                continue  # an Env() that is never read
            found.append(Evidence(path, line, detail, kind))
            break
    return found


def detect_config(tree: FileTree, deps: tuple[Evidence, ...] | None = None
                  ) -> tuple[Evidence, ...]:
    found = [Evidence(p, 1, "environment template", "env_template")
             for p in _application_paths(tree) if _ENV_TEMPLATE.fullmatch(p)]
    for path, text in _application(tree):
        found += tree.evidence("config", path, text, _config_in)
    found += library_dependencies(_deps(tree, deps), "config")
    return _sorted(found)


def _config_in(path: str, text: str) -> list[Evidence]:
    found = _library_reads(path, text)
    uses = _env_reads(text)
    if uses:
        found.append(Evidence(path, uses[0], f"reads environment variables ({len(uses)} "
                                             f"use{'s' if len(uses) > 1 else ''})", "env_vars"))
    loads = next(_hits(_CONFIG_FROM_ENV, text, (".from_",)), None)
    if loads and not uses:
        found.append(Evidence(path, loads[0], "loads configuration named by an environment "
                                              "variable", "env_vars"))
    return found
