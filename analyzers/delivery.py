"""How the application is built, tested and shipped: CI pipelines (do they run the tests, do
they deploy), container files, infrastructure as code."""

from __future__ import annotations

import re

from analyzers.filetree import Evidence, FileTree, _base, _hits, _sorted
from analyzers.opsbase import _application, _application_paths


# --- CI -----------------------------------------------------------------------------------------
_PIPELINES = (
    (re.compile(r"\.github/workflows/[^/]+\.ya?ml"), "GitHub Actions workflow"),
    (re.compile(r"\.gitlab-ci\.ya?ml"), "GitLab CI pipeline"),
    (re.compile(r"(?:.*/)?Jenkinsfile"), "Jenkins pipeline"),
    (re.compile(r"\.circleci/config\.ya?ml"), "CircleCI pipeline"),
    (re.compile(r"azure-pipelines\.ya?ml"), "Azure Pipelines"),
    (re.compile(r"bitbucket-pipelines\.ya?ml"), "Bitbucket Pipelines"),
)
_TEST_RUNNERS = {"tox.ini": "tox configuration", "noxfile.py": "nox sessions"}
_RUNS_TESTS = re.compile(r"\b(pytest|py\.test|tox|nox|unittest|manage\.py[ \t]+test"
                         r"|coverage[ \t]+run|make[ \t]+test)\b")
_DEPLOYS = re.compile(
    r"(?i)\b(deploy\w*|kubectl|helm[ \t]+(?:upgrade|install)|terraform[ \t]+apply|docker[ \t]+push"
    r"|twine[ \t]+upload|(?:poetry|flit|hatch|uv|npm)[ \t]+publish|pypi-publish"
    r"|serverless[ \t]+deploy)\b|\bpush:[ \t]*true\b")


def pipeline_kind(path: str) -> str | None:
    """The CI system a file configures, or None."""
    return next((label for regex, label in _PIPELINES if regex.fullmatch(path)), None)


def detect_ci(tree: FileTree) -> tuple[Evidence, ...]:
    found = [Evidence(p, 0, _TEST_RUNNERS[_base(p)], "test_runner")
             for p in tree.paths if _base(p) in _TEST_RUNNERS]
    for path, text in tree.named(lambda p: pipeline_kind(p) is not None):
        found.append(Evidence(path, 0, pipeline_kind(path), "pipeline"))
        for number, raw in enumerate(text.splitlines(), start=1):
            step = raw.strip()
            if step.startswith(("#", "//")):
                continue
            if "install" not in step and _RUNS_TESTS.search(step):
                found.append(Evidence(path, number, f"runs tests: {step[:120]}", "runs_tests"))
            if _DEPLOYS.search(step):
                found.append(Evidence(path, number, f"deploys: {step[:120]}", "deploys"))
    return _sorted(found)


# --- containers and infrastructure ------------------------------------------------------------
_DOCKERFILE = re.compile(r"(?:.*/)?(?:Dockerfile(?:\.(?!(?:md|txt|rst)\Z)[\w.-]+)?"
                         r"|[\w.-]+\.[Dd]ockerfile|Containerfile)")
_COMPOSE = re.compile(r"(?:.*/)?(?:docker-compose[\w.-]*|compose)\.ya?ml")
_FROM = re.compile(r"^[ \t]*FROM[ \t]+(\S+)", re.M | re.I)
_IAC_FILES = (
    (re.compile(r"(?:.*/)?Chart\.ya?ml"), "Helm chart", "helm"),
    (re.compile(r".*\.tf"), "Terraform configuration", "terraform"),
    (re.compile(r"(?:.*/)?Pulumi\.ya?ml"), "Pulumi project", "pulumi"),
    (re.compile(r"(?:.*/)?serverless\.ya?ml"), "Serverless Framework service", "serverless"),
    (re.compile(r"(?:.*/)?kustomization\.ya?ml"), "Kustomize overlay", "kustomize"),
    (re.compile(r"(?:.*/)?Procfile"), "Procfile (PaaS process types)", "paas"),
    (re.compile(r"(?:.*/)?fly\.toml"), "Fly.io app", "paas"),
)
_K8S_API = re.compile(r"^apiVersion:", re.M)
_K8S_KIND = re.compile(r"^kind:[ \t]*[\"']?(\w+)", re.M)


def _is_yaml(path: str) -> bool:
    return path.endswith((".yml", ".yaml"))


def detect_containers(tree: FileTree) -> tuple[Evidence, ...]:
    found = [Evidence(p, 0, "Docker Compose file", "compose")
             for p in _application_paths(tree) if _COMPOSE.fullmatch(p)]
    for path, text in _application(tree, _DOCKERFILE.fullmatch):
        base = next(_hits(_FROM, text), None)
        found.append(Evidence(path, base[0], f"Dockerfile (FROM {base[1].group(1)})", "dockerfile")
                     if base else Evidence(path, 0, "Dockerfile", "dockerfile"))
    return _sorted(found)


def detect_iac(tree: FileTree) -> tuple[Evidence, ...]:
    found = []
    for path in _application_paths(tree):
        hit = next(((label, kind) for regex, label, kind in _IAC_FILES if regex.fullmatch(path)),
                   None)
        if hit:
            found.append(Evidence(path, 0, *hit))
    for path, text in _application(tree, _is_yaml):
        if _K8S_API.search(text):
            found += [Evidence(path, line, f"Kubernetes {m.group(1)}", "kubernetes")
                      for line, m in _hits(_K8S_KIND, text)]
    return _sorted(found)


