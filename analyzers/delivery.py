"""How the application is built, tested and shipped: CI pipelines (do they run the tests, do
they deploy), container files, infrastructure as code.

A pipeline is read as steps (``analyzers.pipelines``); a step's command runs the tests when it
calls a test runner, directly or through a script, Makefile target, npm script or container
entrypoint of the repository (``analyzers.commands``), and ships when it pushes the
application's image or deploys it (``analyzers.deploying``). Every fact is cited at the line
that decided it."""

from __future__ import annotations

import posixpath
import re
from weakref import WeakKeyDictionary

from analyzers.commands import Ctx, Repo, runs_tests
from analyzers.deploying import shipments
from analyzers.filetree import Evidence, FileTree, _base, _hits, _sorted
from analyzers.opsbase import _application, _application_paths
from analyzers.pipelines import Step, read_pipeline

# --- CI -----------------------------------------------------------------------------------------
_PIPELINES = (
    (re.compile(r"\.github/workflows/[^/]+\.ya?ml"), "GitHub Actions workflow"),
    (re.compile(r"\.gitlab-ci\.ya?ml"), "GitLab CI pipeline"),
    (re.compile(r"(?:.*/)?Jenkinsfile"), "Jenkins pipeline"),
    (re.compile(r"\.circleci/config\.ya?ml"), "CircleCI pipeline"),
    (re.compile(r"azure-pipelines\.ya?ml"), "Azure Pipelines"),
    (re.compile(r"bitbucket-pipelines\.ya?ml"), "Bitbucket Pipelines"),
)
_TEST_RUNNERS = {"tox.ini": ("tox configuration", re.compile(r"^\[testenv", re.M)),
                 "noxfile.py": ("nox sessions", re.compile(r"^[ \t]*@nox\.session", re.M))}


def pipeline_kind(path: str) -> str | None:
    """The CI system a file configures, or None."""
    return next((label for regex, label in _PIPELINES if regex.fullmatch(path)), None)


def _first_line(text: str, regex: re.Pattern[str] | None = None) -> int:
    """The line ``regex`` first matches, else the first line with content; 0 for none."""
    hit = next(_hits(regex, text), None) if regex else None
    if hit:
        return hit[0]
    return next((n for n, line in enumerate(text.splitlines(), start=1)
                 if line.strip() and not line.lstrip().startswith(("#", "//"))), 0)


def _tests_action(step: Step) -> bool:
    """An action that runs the suite itself (Cypress's action runs ``cypress run``)."""
    ref = step.uses.split("@")[0].lower()
    return ref == "cypress-io/github-action" and not any(
        i.key == "runTests" and i.value.lower() == "false" for i in step.inputs)


_REPOS: WeakKeyDictionary[FileTree, Repo] = WeakKeyDictionary()


def _repo(tree: FileTree) -> Repo:
    """One ``Repo`` per tree, so CI and containers follow each script and Makefile once."""
    if tree not in _REPOS:
        _REPOS[tree] = Repo(tree, [p for p in tree.paths if _DOCKERFILE.fullmatch(p)])
    return _REPOS[tree]


def detect_ci(tree: FileTree) -> tuple[Evidence, ...]:
    found = []
    for path in tree.paths:
        if _base(path) in _TEST_RUNNERS:
            label, regex = _TEST_RUNNERS[_base(path)]
            found.append(Evidence(path, _first_line(tree.read(path) or "", regex), label,
                                  "test_runner"))
    repo = _repo(tree)
    for path, text in tree.named(lambda p: pipeline_kind(p) is not None):
        pipeline = read_pipeline(path, text)
        found.append(Evidence(path, pipeline.line or _first_line(text), pipeline_kind(path),
                              "pipeline"))
        for step in pipeline.steps:
            if _tests_action(step):
                found.append(Evidence(path, step.line, f"runs tests: {step.uses}", "runs_tests"))
            ctx = Ctx(repo, workdir=step.workdir)
            for command in step.commands:
                chain = runs_tests(command.text, ctx)
                if chain is not None:
                    via = f" (via {' -> '.join(chain)})" if chain else ""
                    found.append(Evidence(path, command.line,
                                          f"runs tests: {command.text[:120]}{via}", "runs_tests"))
        found += [Evidence(path, line, detail, "deploys")
                  for line, detail in shipments(pipeline.steps, repo)]
    return _sorted(found)


# --- containers --------------------------------------------------------------------------------
_DOCKERFILE = re.compile(r"(?:.*/)?(?:Dockerfile(?:[._-](?!(?:md|txt|rst)\Z)[\w.-]+)?"
                         r"|[\w.-]+\.[Dd]ockerfile|Containerfile)")
_COMPOSE = re.compile(r"(?:.*/)?(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml")
_FROM = re.compile(r"^[ \t]*FROM[ \t]+(?:--\S+[ \t]+)*(\S+)", re.M | re.I)
# a file named for a test run (Dockerfile.e2e, compose.ci.yaml) or built on a browser-test image
_HARNESS_NAME = re.compile(r"(?i)(?:^|[._-])(?:tests?|testing|e2e|ci|cypress|playwright"
                           r"|selenium)(?=$|[._-])")
_HARNESS_IMAGE = re.compile(r"(?i)playwright|cypress|selenium")
_SERVICES = re.compile(r"^services[ \t]*:", re.M)
_BUILDS = re.compile(r"^[ \t]+build[ \t]*:", re.M)


def _is_yaml(path: str) -> bool:
    return path.endswith((".yml", ".yaml"))


_SERVICE_KEY = re.compile(r"^([ \t]+)([\w.-]+)[ \t]*:[ \t]*(?:#.*)?$")
_SERVICE_FIELD = re.compile(r"^[ \t]+(build|command|dockerfile|context)[ \t]*:[ \t]*(.*)$")
_RUNS = re.compile(r"^[ \t]*(?:CMD|ENTRYPOINT)\b", re.M | re.I)


def _services(text: str) -> dict[str, dict[str, str]]:
    """Compose services -> their ``build`` (context), ``dockerfile`` and ``command``, read
    line by line (one level of nesting under ``build:``)."""
    out: dict[str, dict[str, str]] = {}
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _SERVICES.match(line)), None)
    if start is None:
        return out
    indent, current = None, None
    for line in lines[start + 1:]:
        if line.strip() and not line[:1].isspace():
            break  # the next top-level key
        key = _SERVICE_KEY.match(line)
        if key and (indent is None or len(key.group(1)) == indent):
            indent, current = len(key.group(1)), key.group(2)
            out[current] = {}
            continue
        field = _SERVICE_FIELD.match(line)
        if field and current is not None:
            name, value = field.group(1), field.group(2).strip().strip("'\"")
            out[current][name] = value or out[current].get(name, "") or "."
    return out


def _test_harnesses(tree: FileTree, repo: Repo) -> tuple[set[str], set[str]]:
    """(Compose files, Dockerfiles) of a test harness: a Compose file whose every service
    that builds an image runs the test suite as its command (``command: make test``), and the
    Dockerfiles only it builds that start nothing themselves (no CMD or ENTRYPOINT)."""
    composes, built = set(), set()
    for path, text in tree.named(_COMPOSE.fullmatch):
        folder = posixpath.dirname(path)
        builders = {n: f for n, f in _services(text).items() if "build" in f}
        if builders and all(f.get("command") and runs_tests(
                f["command"], Ctx(repo, workdir=folder)) is not None
                for f in builders.values()):
            composes.add(path)
            for f in builders.values():
                context = posixpath.normpath(posixpath.join(folder, f.get("context")
                                                            or f["build"]))
                built.add(posixpath.normpath(posixpath.join(
                    "" if context == "." else context, f.get("dockerfile") or "Dockerfile")))
    dockerfiles = {p for p in built if p in tree.paths and not _RUNS.search(tree.read(p) or "")}
    return composes, dockerfiles


def detect_containers(tree: FileTree) -> tuple[Evidence, ...]:
    """The application's Dockerfiles and Compose files. Not a test harness (named for a test
    run, built on a browser-test image, or a Compose file whose images only run the test suite,
    with the Dockerfiles only it builds), nor a Compose file of a side tool: one outside the
    root that builds nothing and lies in no folder of an application Dockerfile."""
    found = []
    harness_composes, harness_images = _test_harnesses(
        tree, _repo(tree))
    for path, text in _application(tree, _DOCKERFILE.fullmatch):
        base = next(_hits(_FROM, text), None)
        if (_HARNESS_NAME.search(_base(path)) or base and _HARNESS_IMAGE.search(base[1].group(1))
                or path in harness_images):
            continue
        found.append(Evidence(path, base[0], f"Dockerfile (FROM {base[1].group(1)})", "dockerfile")
                     if base else Evidence(path, _first_line(text), "Dockerfile", "dockerfile"))
    image_dirs = {posixpath.dirname(p) for e in found for p in (e.path, tree.real_path(e.path))}
    for path, text in _application(tree, _COMPOSE.fullmatch):
        folder = posixpath.dirname(path)
        if _HARNESS_NAME.search(_base(path)) or path in harness_composes or (
                folder and folder not in image_dirs and not _BUILDS.search(text)):
            continue
        found.append(Evidence(path, _first_line(text, _SERVICES), "Docker Compose file",
                              "compose"))
    return _sorted(found)


# --- infrastructure as code --------------------------------------------------------------------
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.M)


# (file name, label, kind, the deciding line, content the file must hold to count)
_IAC_FILES = (
    (r"Chart\.ya?ml", "Helm chart", "helm", _re(r"^name:"), None),
    (r".*\.tf|.*\.tf\.json|terragrunt\.hcl", "Terraform configuration", "terraform",
     _re(r"^[ \t]*\"?(?:resource|module|provider|data|terraform|include)\b"), None),
    (r"Pulumi\.ya?ml", "Pulumi project", "pulumi", _re(r"^(?:runtime|name):"), None),
    (r"serverless\.ya?ml", "Serverless Framework service", "serverless", _re(r"^service:"), None),
    (r"zappa_settings\.(?:json|ya?ml)", "Zappa (serverless) settings", "serverless", None, None),
    (r"kustomization\.ya?ml", "Kustomize overlay", "kustomize",
     _re(r"^(?:resources|bases|components|patches\w*|images):"), None),
    (r"Procfile", "Procfile (PaaS process types)", "paas", _re(r"^[\w-]+[ \t]*:"), None),
    (r"fly\.toml", "Fly.io app", "paas", _re(r"^app[ \t]*="), None),
    (r"heroku\.ya?ml", "Heroku build manifest", "paas", _re(r"^(?:build|run|setup|release):"),
     None),
    (r"app\.json", "Heroku app manifest", "paas", None,
     _re(r"^[ \t]*\"(?:formation|buildpacks|addons|stack)\"[ \t]*:")),
    (r"render\.ya?ml", "Render blueprint", "paas", _re(r"^services:"), None),
    (r"netlify\.toml", "Netlify site", "paas", _re(r"^\[build\]"), None),
    (r"vercel\.json", "Vercel project", "paas", None, None),
    (r"railway\.(?:json|toml)", "Railway service", "paas", None, None),
    (r"Dockerrun\.aws\.json", "Elastic Beanstalk container definition", "paas", None,
     _re(r"\"AWSEBDockerrunVersion\"")),
    (r"app\.ya?ml", "Google App Engine app", "paas", None, _re(r"^runtime:[ \t]*\S")),
    (r"appspec\.ya?ml", "AWS CodeDeploy app spec", "paas", None, _re(r"^(?:hooks|files):")),
    (r"cdk\.json", "AWS CDK app", "cloudformation", None, _re(r"\"app\"[ \t]*:")),
)
_IAC = tuple((re.compile(r"(?:.*/)?(?:" + name + ")"), label, kind, line, needs)
             for name, label, kind, line, needs in _IAC_FILES)
_CLOUDFORMATION = _re(r"^[ \t]*\"?(?:AWSTemplateFormatVersion|Transform)\"?[ \t]*:[ \t]*"
                      r"\"?(?:AWS::Serverless|['\"]?\d{4}-\d\d-\d\d)")
_TEMPLATE_JSON = re.compile(r"(?i)(?:template|cloudformation|cfn|stack)[\w.-]*\.json$")
_K8S_API = re.compile(r"^apiVersion:", re.M)
_K8S_KIND = re.compile(r"^kind:[ \t]*[\"']?(\w+)", re.M)


def _manifest_candidate(path: str) -> bool:
    return _is_yaml(path) or bool(_TEMPLATE_JSON.search(path))


def detect_iac(tree: FileTree) -> tuple[Evidence, ...]:
    found = []
    for path in _application_paths(tree):
        rule = next((r for r in _IAC if r[0].fullmatch(path)), None)
        text = tree.read(path) if rule else None
        if rule is None or text is None:
            continue
        _, label, kind, line, needs = rule
        decided = next(_hits(needs, text), None) if needs else None
        if needs and decided is None:
            continue
        found.append(Evidence(path, decided[0] if decided else _first_line(text, line), label,
                              kind))
    for path, text in _application(tree, _manifest_candidate):
        if _K8S_API.search(text) and _is_yaml(path):
            found += [Evidence(path, line, f"Kubernetes {m.group(1)}", "kubernetes")
                      for line, m in _hits(_K8S_KIND, text)]
        hit = next(_hits(_CLOUDFORMATION, text, ("AWSTemplateFormatVersion", "AWS::Serverless")),
                   None)
        if hit:
            found.append(Evidence(path, hit[0], "CloudFormation template", "cloudformation"))
    return _sorted(found)
