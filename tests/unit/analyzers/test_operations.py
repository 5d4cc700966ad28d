"""analyzers.operations: every detector on a positive and a negative tree of real files."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from analyzers.facts import SkippedFile
from analyzers.operations import (
    Evidence,
    FileTree,
    SuiteStats,
    collect_operations,
    detect_boundaries,
    detect_ci,
    detect_config,
    detect_containers,
    detect_dependencies,
    detect_iac,
    detect_messaging,
    detect_observability,
    detect_resilience,
    detect_tests,
)


def tree(root: Path, files: dict[str, str], **kw) -> FileTree:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return FileTree(str(root), **kw)


E = Evidence

# --- CI ----------------------------------------------------------------------------------------
WORKFLOW = """
name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: pip install pytest
      - run: pytest -q --cov=app --cov-fail-under=85
  release:
    steps:
      # docker push happens below
      - run: docker push registry/app:latest
"""


def test_ci_positive(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        ".github/workflows/ci.yml": WORKFLOW,
        ".gitlab-ci.yml": "unit:\n  script:\n    - python manage.py test\n",
        "tox.ini": "[tox]\nenvlist = py311\n[testenv]\ncommands = pytest\n",
        "Jenkinsfile": "pipeline { stages { stage('Lint') { steps { sh 'ruff check' } } } }\n",
    })
    assert detect_ci(t) == (
        E(".github/workflows/ci.yml", 2, "GitHub Actions workflow", "pipeline"),
        E(".github/workflows/ci.yml", 8, "runs tests: pytest -q --cov=app --cov-fail-under=85",
          "runs_tests"),
        E(".github/workflows/ci.yml", 12, "pushes an image (docker push): "
                                          "docker push registry/app:latest", "deploys"),
        E(".gitlab-ci.yml", 1, "GitLab CI pipeline", "pipeline"),
        E(".gitlab-ci.yml", 3, "runs tests: python manage.py test", "runs_tests"),
        E("Jenkinsfile", 1, "Jenkins pipeline", "pipeline"),
        E("tox.ini", 3, "tox configuration", "test_runner"),
    )


def test_ci_negative(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        ".github/ISSUE_TEMPLATE/bug.yml": "name: Bug\ndescription: run pytest and deploy\n",
        "docs/ci.md": "We run pytest and deploy with kubectl.\n",
        "scripts/deploy.sh": "kubectl apply -f k8s/\n",
    })
    assert detect_ci(t) == ()


def test_lint_only_pipeline_neither_tests_nor_deploys(tmp_path: Path) -> None:
    t = tree(tmp_path, {".github/workflows/lint.yaml": "jobs:\n  lint:\n    steps:\n"
                                                      "      - run: pip install tox\n"
                                                      "      - run: ruff check .\n"})
    facts = collect_operations(str(tmp_path))
    assert detect_ci(t) == (E(".github/workflows/lint.yaml", 1, "GitHub Actions workflow",
                              "pipeline"),)
    assert (facts.ci_runs_tests, facts.ci_deploys) == (False, False)


# --- containers and IaC ------------------------------------------------------------------------
def test_containers_positive(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "Dockerfile": "# syntax=docker/dockerfile:1\nFROM python:3.12-slim AS base\n",
        "docker/worker.Dockerfile": "from base\n",
        "docker-compose.prod.yml": "services: {}\n",
        "compose.yaml": "services: {}\n",
        "Containerfile": "RUN true\n",
    })
    assert detect_containers(t) == (
        E("Containerfile", 1, "Dockerfile", "dockerfile"),
        E("Dockerfile", 2, "Dockerfile (FROM python:3.12-slim)", "dockerfile"),
        E("compose.yaml", 1, "Docker Compose file", "compose"),
        E("docker-compose.prod.yml", 1, "Docker Compose file", "compose"),
        E("docker/worker.Dockerfile", 1, "Dockerfile (FROM base)", "dockerfile"),
    )


def test_containers_negative(tmp_path: Path) -> None:
    t = tree(tmp_path, {"Dockerfile.md": "FROM python\n", "docs/docker.md": "FROM x\n",
                        "dockerfile_helper.py": "x = 1\n", "compose.py": "y = 2\n"})
    assert detect_containers(t) == ()


K8S = """
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: web
          livenessProbe:
            httpGet: {path: /healthz, port: 8000}
---
apiVersion: v1
kind: "Service"
"""


def test_iac_positive(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "deploy/k8s/web.yaml": K8S,
        "charts/shop/Chart.yaml": "apiVersion: v2\nname: shop\n",
        "infra/main.tf": 'resource "aws_s3_bucket" "b" {}\n',
        "Pulumi.yaml": "name: shop\n",
        "serverless.yml": "service: shop\n",
        "Procfile": "web: gunicorn shop.wsgi\n",
    })
    assert detect_iac(t) == (
        E("Procfile", 1, "Procfile (PaaS process types)", "paas"),
        E("Pulumi.yaml", 1, "Pulumi project", "pulumi"),
        E("charts/shop/Chart.yaml", 2, "Helm chart", "helm"),
        E("deploy/k8s/web.yaml", 2, "Kubernetes Deployment", "kubernetes"),
        E("deploy/k8s/web.yaml", 12, "Kubernetes Service", "kubernetes"),
        E("infra/main.tf", 1, "Terraform configuration", "terraform"),
        E("serverless.yml", 1, "Serverless Framework service", "serverless"),
    )


def test_iac_negative(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "config/settings.yaml": "grafana:\n  apiVersion: 1\nkind: of a config\n",
        "docs/terraform.md": "# Terraform\n",
        "tf_utils.py": "import os\n",
        "deploy/notes.yml": "kind: Deployment\n",
    })
    assert detect_iac(t) == ()


# --- observability and resilience --------------------------------------------------------------
def test_observability_positive(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "app/obs.py": """
            from opentelemetry import trace
            import sentry_sdk
            from prometheus_client.core import Counter
            import structlog
            import structlog.stdlib
        """,
        "app/urls.py": """
            urlpatterns = [path("healthz/", health), path("/ready", ready)]
            urlpatterns += [re_path(r"^api/live$", live)]
        """,
        "requirements.txt": "ddtrace==2.0\nopentelemetry-sdk>=1.20\n",
        "deploy/web.yaml": K8S,
        "Dockerfile": "FROM python\nHEALTHCHECK CMD curl -f http://localhost/healthz\n",
    })
    assert detect_observability(t) == (
        E("Dockerfile", 2, "Docker HEALTHCHECK", "health_check"),
        E("app/obs.py", 1, "imports opentelemetry", "tracing"),
        E("app/obs.py", 2, "imports sentry_sdk", "error_tracking"),
        E("app/obs.py", 3, "imports prometheus_client", "metrics"),
        E("app/obs.py", 4, "imports structlog", "logging"),
        E("app/urls.py", 1, 'health endpoint "/ready"', "health_check"),
        E("app/urls.py", 1, 'health endpoint "healthz/"', "health_check"),
        E("app/urls.py", 2, 'health endpoint "^api/live$"', "health_check"),
        E("deploy/web.yaml", 8, "livenessProbe", "health_check"),
        E("requirements.txt", 1, "depends on ddtrace", "tracing"),
        E("requirements.txt", 2, "depends on opentelemetry-sdk", "tracing"),
    )


def test_observability_negative(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "app/status.py": """
            import logging
            from opentelemetry_fake import tracer
            # TODO: import structlog
            status = "ready"
            key = "health"
            mystatsd = 1
        """,
        "requirements.txt": "statsdlike==1.0\nhealthcheck-tools\n",
    })
    assert detect_observability(t) == ()


def test_resilience_positive(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "app/client.py": """
            import tenacity
            from backoff import on_exception
            import pybreaker
            import requests, httpx

            requests.get(url, timeout=5)
            requests.post(
                url,
                json={"a": (1, 2)},
            )
            httpx.get(url, timeout=2)
            limits = httpx.Timeout(3.0)

            @app.task(max_retries=3, autoretry_for=(IOError,))
            def job(): ...
        """,
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["circuitbreaker>=2"]\n',
    })
    facts = collect_operations(str(tmp_path))
    assert detect_resilience(t) == facts.resilience == (
        E("app/client.py", 1, "imports tenacity", "retry"),
        E("app/client.py", 2, "imports backoff", "retry"),
        E("app/client.py", 3, "imports pybreaker", "circuit_breaker"),
        E("app/client.py", 6, "requests.get(..., timeout=...)", "timeout"),
        E("app/client.py", 7, "requests.post() without timeout: can hang forever",
          "no_timeout"),
        E("app/client.py", 11, "httpx.get(..., timeout=...)", "timeout"),
        E("app/client.py", 12, "httpx.Timeout(...)", "timeout"),
        E("app/client.py", 14, "Celery autoretry_for=", "retry"),
        E("pyproject.toml", 3, "depends on circuitbreaker", "circuit_breaker"),
    )
    assert facts.requests_without_timeout == 1


def test_resilience_negative(tmp_path: Path) -> None:
    t = tree(tmp_path, {"app/client.py": """
        import requests
        import httpx
        httpx.get(url)  # httpx has a default timeout
        requests.get(url, **options)  # unknown: not counted either way
        session.get(url)
        retries = 3
    """})
    assert detect_resilience(t) == ()


# --- messaging and configuration ---------------------------------------------------------------
def test_messaging_positive(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "shop/celery.py": """
            from celery import Celery, shared_task
            app = Celery("shop")
            app.conf.task_routes = {"shop.mail.*": {"queue": "mail"}}

            @shared_task(queue="emails")
            def send(): ...
        """,
        "shop/events.py": "import pika\nfrom confluent_kafka import Producer\n",
        "Procfile": "web: gunicorn shop.wsgi\nworker: celery -A shop worker -Q emails\n",
        "requirements.txt": "rq==1.15\n",
    })
    assert detect_messaging(t) == (
        E("Procfile", 2, "worker process: worker: celery -A shop worker -Q emails", "worker"),
        E("requirements.txt", 1, "depends on rq", "rq"),
        E("shop/celery.py", 1, "imports celery", "celery"),
        E("shop/celery.py", 3, "queue='mail'", "queues"),
        E("shop/celery.py", 3, "task routing: task_routes", "queues"),
        E("shop/celery.py", 5, "queue='emails'", "queues"),
        E("shop/events.py", 1, "imports pika", "amqp"),
        E("shop/events.py", 2, "imports confluent_kafka", "kafka"),
    )


def test_messaging_negative(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "shop/jobs.py": """
            from queue import Queue
            import kafka_utils
            queue = Queue()
            notify(queue="x")
            task_routes_count = 3  # task_routes is not configured here
        """,
        "Procfile": "web: gunicorn shop.wsgi\n",
    })
    assert detect_messaging(t) == ()


def test_config_positive(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "shop/settings.py": """
            import os
            import environ
            from decouple import config
            DEBUG = os.environ["DEBUG"]
            DB = os.getenv("DB")
            env = environ.Env()
            SECRET = env("SECRET")
            HOST = config("HOST")
        """,
        "shop/conf.py": """
            from pydantic_settings import BaseSettings
            from dynaconf import Dynaconf
            from os import getenv
            class Settings(BaseSettings):
                debug: bool = False
            settings = Dynaconf()
            LEVEL = getenv("LEVEL")
        """,
        ".env.example": "DEBUG=1\n",
    })
    assert detect_config(t) == (
        E(".env.example", 1, "environment template", "env_template"),
        E("shop/conf.py", 4, "pydantic BaseSettings", "pydantic-settings"),
        E("shop/conf.py", 6, "dynaconf settings", "dynaconf"),
        E("shop/conf.py", 7, "reads environment variables (1 use)", "env_vars"),
        E("shop/settings.py", 4, "reads environment variables (2 uses)", "env_vars"),
        E("shop/settings.py", 6, "django-environ Env", "django-environ"),
        E("shop/settings.py", 8, "python-decouple config", "python-decouple"),
    )


def test_config_negative(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "shop/settings.py": 'environment = "prod"\nmyos.environ_x = 1\nDEBUG = False\n',
        ".env": "SECRET=1\n",
    })
    assert detect_config(t) == ()


# --- tests, boundaries, dependencies -----------------------------------------------------------
def test_tests_positive(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "app/orders.py": "def total():\n    return 1\n\n\nclass Order:\n    pass\n",
        "app/orders_test.py": "def test_total():\n    assert total() == 1\n",
        "tests/conftest.py": "import pytest\n",
        "tests/unit/test_orders.py": """
            def helper():
                pass

            def test_one():
                pass

            async def test_two():
                pass

            class TestOrder:
                def test_method(self):
                    pass
        """,
        ".coveragerc": "[report]\nfail_under = 90\n",
        "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--cov-fail-under=80"\n',
    })
    evidence, stats = detect_tests(t)
    assert evidence == (
        E(".coveragerc", 2, "coverage must stay >= 90%", "coverage_threshold"),
        E("app", 0, "1 test files, 1 test functions", "test_files"),
        E("pyproject.toml", 1, "pytest configuration [tool.pytest.ini_options]",
          "test_config"),
        E("pyproject.toml", 2, "coverage must stay >= 80%", "coverage_threshold"),
        E("tests", 0, "1 test files, 3 test functions", "test_files"),
    )
    assert stats == SuiteStats(test_files=2, test_functions=4, test_lines=15, code_lines=6,
                               coverage_fail_under=90.0)
    assert stats.test_to_code_ratio == 2.5


def test_tests_negative(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "app/testing_helpers.py": "def test_like():\n    pass\n",
        "app/contest.py": "def test_entry():\n    pass\n",
        "setup.cfg": "[flake8]\nmax-line-length = 100\n",
    })
    assert detect_tests(t) == ((), SuiteStats(0, 0, 0, 4, None))


def test_boundaries_positive(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        ".importlinter": "[importlinter]\nroot_package = shop\n\n"
                         "[importlinter:contract:layers]\nname = Layers\n",
        "pyproject.toml": "[tool.advisor.gate]\nmax_cycles = 0\n\n"
                          "[[tool.importlinter.contracts]]\nname = x\n",
        "tach.toml": "[[modules]]\npath = 'shop'\n",
    })
    assert detect_boundaries(t) == (
        E(".importlinter", 1, "[importlinter]", "import-linter"),
        E(".importlinter", 4, "[importlinter:contract:layers]", "contract"),
        E("pyproject.toml", 1, "[tool.advisor.gate]", "advisor-gate"),
        E("pyproject.toml", 4, "[tool.importlinter.contracts]", "contract"),
        E("tach.toml", 0, "tach configuration", "tach"),
    )


def test_boundaries_negative(tmp_path: Path) -> None:
    t = tree(tmp_path, {"setup.cfg": "[flake8]\n", "pyproject.toml": "[tool.ruff]\n",
                        "docs/importlinter.md": "[importlinter]\n"})
    assert detect_boundaries(t) == ()


PYPROJECT = """
[project]
name = "shop"
dependencies = [
    "Django>=4.2",
    "celery[redis]>=5",
]
[project.optional-dependencies]
s3 = ["boto3"]
[dependency-groups]
dev = ["pytest>=8", {include-group = "lint"}]
[tool.poetry.dependencies]
python = "^3.11"
requests = "^2.31"
[tool.poetry.group.dev.dependencies]
black = {version = "^24.1"}
"""


def test_dependencies_positive(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "pyproject.toml": PYPROJECT,
        "requirements.txt": "# pinned\n-r base.txt\n-e .\nflask==3.0  # web\n"
                            "git+https://example.com/x.git#egg=x\nmylib @ https://x/y.whl\n",
        "requirements/dev.txt": "pytest-django\n",
        "setup.cfg": "[options]\ninstall_requires =\n    attrs>=23\n"
                     "[options.extras_require]\nyaml = pyyaml\n",
    })
    deps = detect_dependencies(t)
    assert deps == (
        E("pyproject.toml", 4, "Django>=4.2", "runtime"),
        E("pyproject.toml", 5, "celery[redis]>=5", "runtime"),
        E("pyproject.toml", 8, "boto3", "optional"),
        E("pyproject.toml", 10, "pytest>=8", "dev"),
        E("pyproject.toml", 13, "requests ^2.31", "runtime"),
        E("pyproject.toml", 15, "black ^24.1", "dev"),
        E("requirements.txt", 4, "flask==3.0", "runtime"),
        E("requirements.txt", 6, "mylib @ https://x/y.whl", "runtime"),
        E("requirements/dev.txt", 1, "pytest-django", "dev"),
        E("setup.cfg", 3, "attrs>=23", "runtime"),
        E("setup.cfg", 5, "pyyaml", "optional"),
    )
    facts = collect_operations(str(tmp_path))
    assert facts.declared_dependencies == ("attrs", "black", "boto3", "celery", "django",
                                           "flask", "mylib", "pytest", "pytest-django",
                                           "pyyaml", "requests")
    assert facts.messaging == (E("pyproject.toml", 5, "depends on celery", "celery"),)


def test_dependencies_negative(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "setup.py": "from setuptools import setup\nsetup(install_requires=['django'])\n",
        "pyproject.toml": "[project\nbroken",
        "docs/requirements.md": "django\n",
    })
    assert detect_dependencies(t) == ()
    assert [s.path for s in t.skipped] == ["pyproject.toml"]
    assert t.skipped[0].reason.startswith("not valid TOML:")


# --- the file tree -----------------------------------------------------------------------------
def test_symlinks_leaving_the_root_are_never_read(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secrets.py").write_text("import sentry_sdk\nimport os\nos.environ['X']\n")
    (outside / "Dockerfile").write_text("FROM python\n")
    (outside / "requirements.txt").write_text("celery\n")
    root = tmp_path / "root"
    (root / "app").mkdir(parents=True)
    (root / "app" / "core.py").write_text("x = 1\n")
    os.symlink(outside / "secrets.py", root / "app" / "linked.py")
    os.symlink(outside / "Dockerfile", root / "Dockerfile")
    os.symlink(outside, root / "vendor")
    os.symlink(root / "app", root / "app_alias")  # inside the root: followed
    read = []
    import analyzers.filetree as filetree

    real_read = filetree.Inside.read
    monkeypatch.setattr(filetree.Inside, "read",
                        lambda self, p, n: read.append(p) or real_read(self, p, n))

    facts = collect_operations(str(root))

    assert all(not p.startswith(str(outside)) for p in read)
    assert sorted(read) == [str(root / "app" / "core.py")]
    reason = "symlink to a location outside the analysed root; not read"
    assert facts.skipped == (SkippedFile("Dockerfile", reason),
                             SkippedFile("app/linked.py", reason),
                             SkippedFile("app_alias", "symlink to a folder listed at app; "
                                                      "not followed again"),
                             SkippedFile("vendor", reason))
    assert facts.files_scanned == 1  # app_alias/core.py is app/core.py: listed once
    assert (facts.containers, facts.observability, facts.config, facts.messaging,
            facts.dependencies) == ((), (), (), (), ())


def test_skipped_directories_caps_and_whole_facts(tmp_path: Path) -> None:
    tree(tmp_path, {
        ".git/config": "kind: Deployment\napiVersion: v1\n",
        ".venv/lib/obs.py": "import sentry_sdk\n",
        "env/pyvenv.cfg": "home = /usr\n",
        "env/lib/obs.py": "import sentry_sdk\n",
        "node_modules/pkg/Dockerfile": "FROM node\n",
        ".hidden/Dockerfile": "FROM x\n",
        "shop.egg-info/requires.txt": "celery\n",
        ".circleci/config.yml": "jobs:\n  t:\n    steps:\n      - run: tox -e py311\n",
        "big.py": "import sentry_sdk\n" + "#" * 2000 + "\n",
        "app/settings.py": "import os\nos.getenv('X')\n",
    })
    facts = collect_operations(str(tmp_path), max_file_bytes=1000)
    assert facts.files_scanned == 3
    assert facts.ci == (E(".circleci/config.yml", 1, "CircleCI pipeline", "pipeline"),
                        E(".circleci/config.yml", 4, "runs tests: tox -e py311", "runs_tests"))
    assert facts.ci_runs_tests is True
    assert facts.observability == ()
    assert facts.config == (E("app/settings.py", 2, "reads environment variables (1 use)",
                              "env_vars"),)
    assert [s.path for s in facts.skipped] == ["big.py"]
    assert facts.skipped[0].reason.startswith("larger than the file size limit")
    assert facts.notes == ()
    capped = collect_operations(str(tmp_path), max_files=2)
    assert capped.files_scanned == 2
    assert capped.notes[0].startswith("stopped listing files at 2:")
