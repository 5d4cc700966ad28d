"""analyzers.delivery on small trees of real files: does CI run the tests (followed through
scripts, Makefiles, npm scripts and container entrypoints), does it ship the application,
which container files and which infrastructure files are the application's. Every case is a
miss the detectors had on a real repository, written in general form."""

from __future__ import annotations

import os
import textwrap

from analyzers.delivery import detect_ci, detect_containers, detect_iac
from analyzers.filetree import FileTree
from analyzers.runtime import detect_observability
from tests.unit.analyzers.trees import tree




def workflow(steps: str, runner: str = "ubuntu-latest", job: str = "build") -> str:
    """A one-job GitHub workflow; ``steps`` as written under ``steps:`` (6 spaces)."""
    return (f"name: ci\non: [push]\njobs:\n  {job}:\n    runs-on: {runner}\n    steps:\n"
            + textwrap.indent(textwrap.dedent(steps).strip("\n"), "      ") + "\n")


def lines(evidence, kind: str) -> list[str]:
    return [f"{e.path}:{e.line}" for e in evidence if e.kind == kind]


W = ".github/workflows/ci.yml"


# --- CI runs the tests ------------------------------------------------------------------------
def test_an_install_on_the_same_line_does_not_hide_the_test_run(tmp_path):
    t = tree(tmp_path, {W: workflow("""
        - run: pip install pytest
        - run: pip install -e . && pytest
        """)})
    assert lines(detect_ci(t), "runs_tests") == [f"{W}:8"]


def test_step_names_and_result_actions_are_not_test_runs_and_a_block_cites_its_command(tmp_path):
    t = tree(tmp_path, {W: workflow("""
        - name: Test with pytest
          run: |
            source .venv/bin/activate
            uv pip install pytest-cov
            pytest --cov=app
        - name: Surface failing tests
          uses: pmeier/pytest-results-action@v0.9.0
          with:
            name: pytest-results
        """)})
    assert lines(detect_ci(t), "runs_tests") == [f"{W}:11"]


def test_a_script_is_followed_to_the_test_run_it_makes(tmp_path):
    t = tree(tmp_path, {
        W: workflow("""
            - name: Run tests
              run: uv run bash scripts/tests-start.sh "Coverage for ${{ github.sha }}"
              working-directory: backend
            - run: bash scripts/prestart.sh
              working-directory: backend
            """),
        "backend/scripts/tests-start.sh": "set -e\npython app/pre_start.py\nbash scripts/test.sh\n",
        "backend/scripts/test.sh": "set -e\nFASTAPI_ENV=dev coverage run -m pytest tests/\n",
        "backend/scripts/prestart.sh": "alembic upgrade head\n",
    })
    found = [e for e in detect_ci(t) if e.kind == "runs_tests"]
    assert [f"{e.path}:{e.line}" for e in found] == [f"{W}:8"]
    assert "backend/scripts/tests-start.sh -> backend/scripts/test.sh" in found[0].detail


def test_make_is_followed_into_the_makefile_target(tmp_path):
    t = tree(tmp_path, {
        W: workflow("""
            - run: uv run make test
            - run: make lint
            - run: make test
              working-directory: rules
            - run: make test
              working-directory: nowhere
            """),
        "Makefile": "PYTEST = $(VENV)/bin/py.test\nVENV = .venv\n\nlint:\n\truff check .\n\n"
                    "test: venv ## Run tests\n\t$(PYTEST) --cov\n",
        "rules/Makefile": "test:\n\tsemgrep --test ./\n",
    })
    found = [e for e in detect_ci(t) if e.kind == "runs_tests"]
    assert [f"{e.path}:{e.line}" for e in found] == [f"{W}:7"]
    assert "Makefile (target test)" in found[0].detail


def test_a_container_command_is_followed_into_the_entrypoint_branch(tmp_path):
    t = tree(tmp_path, {
        W: workflow("""
            - run: docker compose -p app run --rm web manage ds list_types
            - run: docker compose -p app run --name tests web tests --junitxml=junit.xml
            - run: docker compose run --rm playwright bunx playwright test --shard=1/4
            """),
        "Dockerfile": 'FROM python:3.12\nENTRYPOINT ["/app/bin/docker-entrypoint"]\n'
                      'CMD ["server"]\n',
        "bin/docker-entrypoint": """
            #!/bin/bash
            tests() {
              export DATABASE_URL=postgresql://postgres@postgres/tests
              exec pytest "$@"
            }
            case "$1" in
              server)
                exec gunicorn app.wsgi
                ;;
              manage)
                shift
                exec /app/manage.py $*
                ;;
              tests)
                shift
                tests $@
                ;;
            esac
            """,
    })
    assert lines(detect_ci(t), "runs_tests") == [f"{W}:8", f"{W}:9"]


def test_javascript_test_runners_and_npm_scripts(tmp_path):
    t = tree(tmp_path, {
        W: workflow("""
            - run: pnpm install --frozen-lockfile
            - run: pnpm run test
            - run: pnpm --filter @app/viz test
            - run: pnpm run lint
            - run: |
                pnpm run cypress build
                pnpm run cypress run-ci
            - run: npx playwright test --project=chromium
            """),
        "package.json": '{"scripts": {"test": "jest", "lint": "eslint .",'
                        ' "cypress": "node client/cypress/cypress.js"}}\n',
    })
    assert lines(detect_ci(t), "runs_tests") == [f"{W}:8", f"{W}:9", f"{W}:13", f"{W}:14"]


def test_task_runners_and_conventional_test_entry_points(tmp_path):
    t = tree(tmp_path, {W: workflow("""
        - run: poe test
        - run: pdm run lint
        - run: hatch test
        - run: python setup.py test
        - run: python runtests.py --parallel
        - run: poe docs
        """)})
    assert lines(detect_ci(t), "runs_tests") == [f"{W}:7", f"{W}:9", f"{W}:10", f"{W}:11"]


def test_linters_and_type_checkers_are_not_tests(tmp_path):
    t = tree(tmp_path, {W: workflow("""
        - run: ruff check . && mypy app
        - run: tox -e lint,mypy
        - run: nox -s docs
        - run: pre-commit run --all-files
        - run: tox -e py312
        """)})
    assert lines(detect_ci(t), "runs_tests") == [f"{W}:11"]


def test_other_ci_systems_and_yaml_layouts(tmp_path):
    t = tree(tmp_path, {
        ".gitlab-ci.yml": "unit:\n  script:\n    - pip install -e .\n    - |\n      export X=1\n"
                          "      pytest -q\n",
        ".circleci/config.yml": "jobs:\n  t:\n    steps:\n      - run:\n          name: tests\n"
                                "          command: |\n            tox -e py312\n",
        "Jenkinsfile": "pipeline {\n  stages {\n    stage('Test') {\n      steps {\n"
                       "        sh '''\n          make lint\n          python manage.py test\n"
                       "        '''\n      }\n    }\n  }\n}\n",
        W: "on: push\njobs:\n  t:\n    steps:\n    - name: test\n      run: nox -s tests\n",
    })
    assert lines(detect_ci(t), "runs_tests") == [".circleci/config.yml:7", f"{W}:6",
                                                 ".gitlab-ci.yml:6", "Jenkinsfile:7"]


# --- CI ships the application -----------------------------------------------------------------
def test_docs_and_package_publishing_are_not_deploys(tmp_path):
    t = tree(tmp_path, {
        ".github/workflows/deploy-docs.yml": workflow("""
            - name: Deploy to GitHub Pages
              uses: peaceiris/actions-gh-pages@v4
            - run: mkdocs gh-deploy --force
            - run: npm run deploy
              working-directory: docs
            """, job="deploy"),
        ".github/workflows/release.yml": workflow("""
            - run: twine upload dist/*
            - uses: pypa/gh-action-pypi-publish@release/v1
            - name: Setup SSH for deploy key
              run: echo "${{ secrets.DEPLOY_KEY }}" > ~/.ssh/id_ed25519
            - uses: bobheadxi/deployments@v1.5.0
              with:
                step: start
            """),
    })
    assert lines(detect_ci(t), "deploys") == []


def test_build_push_action_pushes_when_its_inputs_say_so(tmp_path):
    t = tree(tmp_path, {W: workflow("""
        - uses: docker/build-push-action@v6
          with:
            push: false
        - uses: docker/build-push-action@v6
          with:
            context: .
            push: ${{ github.event_name != 'pull_request' }}
        - uses: docker/build-push-action@v6
          with:
            outputs: type=image,push-by-digest=true,push=true
        """)})
    assert lines(detect_ci(t), "deploys") == [f"{W}:13", f"{W}:16"]


def test_image_publishing_commands_and_registry_actions(tmp_path):
    t = tree(tmp_path, {
        W: workflow("""
            - run: docker build -t app .
            - run: |
                docker buildx imagetools create -t org/app:latest \\
                  org/app@sha256:abc
                docker buildx imagetools inspect org/app:latest
            - uses: kciter/aws-ecr-action@v5
            - uses: aws-actions/amazon-ecr-login@v2
            """),
        ".github/workflows/release.yml": "on: push\njobs:\n  publish:\n"
                                         "    uses: ./.github/workflows/ci.yml\n  build-push:\n"
                                         "    uses: org/actions/.github/workflows/"
                                         "build-push-image.yaml@v1\n",
    })
    assert lines(detect_ci(t), "deploys") == [f"{W}:9", f"{W}:12",
                                              ".github/workflows/release.yml:6"]


def test_deploy_commands_and_compose_up_on_a_self_hosted_runner(tmp_path):
    t = tree(tmp_path, {
        W: workflow("""
            - run: docker compose up -d --wait backend
            - run: terraform plan
            - run: uv run fastapi deploy
            - run: kubectl apply -f k8s/ && helm upgrade --install app charts/app
            """),
        ".github/workflows/deploy.yml": workflow("""
            - run: docker compose -f compose.yml -f compose.deploy.yml build
            - run: docker compose -f compose.yml -f compose.deploy.yml up -d
            """, runner="self-hosted"),
    })
    assert lines(detect_ci(t), "deploys") == [f"{W}:9", f"{W}:10",
                                              ".github/workflows/deploy.yml:8"]


def test_a_deploy_script_is_followed_to_the_command_that_deploys(tmp_path):
    t = tree(tmp_path, {
        W: workflow("""
            - run: ./scripts/deploy.sh production
            - run: bash scripts/docs.sh
            - run: make release
            """),
        "scripts/deploy.sh": "set -e\ncase $1 in\n  production)\n    kubectl apply -f k8s/\n"
                             "    ;;\nesac\n",
        "scripts/docs.sh": "mkdocs gh-deploy --force\n",
        "Makefile": "release:\n\tdocker build -t org/app .\n\tdocker push org/app\n",
    })
    found = [e for e in detect_ci(t) if e.kind == "deploys"]
    assert [f"{e.path}:{e.line}" for e in found] == [f"{W}:7", f"{W}:9"]
    assert "via scripts/deploy.sh" in found[0].detail


def test_a_remote_trigger_deploys_when_it_names_a_deploy_or_hands_on_a_new_image(tmp_path):
    dispatch = """
        - run: |
            payload=$(jq --null-input '{"event_type": "%s"}')
            gh api /repos/org/infra/dispatches --input - <<< "$payload"
        """
    lambda_step = textwrap.dedent("""\
        - uses: gagoar/invoke-aws-lambda@v3
          with:
            FunctionName: env-manager
            Payload: >-
              {"image": "1.dkr.ecr.eu-west-1.amazonaws.com/app:${{ github.sha }}"}
        """)
    t = tree(tmp_path, {
        ".github/workflows/a.yml": workflow(dispatch % "deploy-staging"),
        ".github/workflows/b.yml": workflow(dispatch % "rebuild-docs"),
        ".github/workflows/c.yml": workflow("- uses: kciter/aws-ecr-action@v5\n" + lambda_step),
        ".github/workflows/d.yml": workflow(lambda_step, job="cleanup"),
    })
    assert lines(detect_ci(t), "deploys") == [".github/workflows/a.yml:9",
                                              ".github/workflows/c.yml:7",
                                              ".github/workflows/c.yml:8"]


# --- containers --------------------------------------------------------------------------------
def test_compose_files_of_every_name(tmp_path):
    t = tree(tmp_path, {n: "services:\n  web:\n    build: .\n" for n in (
        "compose.yml", "compose.override.yml", "compose.deploy.yml", "docker-compose.prod.yaml")})
    assert [e.path for e in detect_containers(t)] == [
        "compose.deploy.yml", "compose.override.yml", "compose.yml", "docker-compose.prod.yaml"]


def test_test_harness_containers_are_not_the_application(tmp_path):
    t = tree(tmp_path, {
        "Dockerfile": "FROM python:3.12\n",
        "frontend/Dockerfile.playwright": "FROM mcr.microsoft.com/playwright:v1.50.0-noble\n",
        "frontend/Dockerfile.runner": "FROM cypress/included:13.6.0\n",
        "Dockerfile.e2e": "FROM python:3.12\n",
        "docker-compose.ci.yml": "services:\n  db:\n    image: postgres\n",
    })
    assert [e.path for e in detect_containers(t)] == ["Dockerfile"]


def test_a_side_tools_compose_file_is_not_the_application(tmp_path):
    services = "services:\n  mongodb:\n    image: mongo\n"
    t = tree(tmp_path, {
        "extras/food-import/docker-compose.yml": services,
        "docker/Dockerfile": "FROM python:3.12\n",
        "docker/docker-compose.yml": services,
        "dev/docker-compose.yml": "services:\n  web:\n    build: ..\n",
    })
    assert [e.path for e in detect_containers(t)] == [
        "dev/docker-compose.yml", "docker/Dockerfile", "docker/docker-compose.yml"]


def test_compose_next_to_a_dockerfile_the_root_links_to(tmp_path):
    t = tree(tmp_path, {"docker/Dockerfile": "FROM python:3.12\n",
                        "docker/docker-compose.yml": "services:\n  db:\n    image: postgres\n"})
    os.symlink("docker/Dockerfile", tmp_path / "Dockerfile")
    t = FileTree(str(tmp_path))
    assert [e.path for e in detect_containers(t)] == ["Dockerfile", "docker/docker-compose.yml"]


def test_dev_container_folders_are_read_other_hidden_folders_are_not(tmp_path):
    t = tree(tmp_path, {
        ".devcontainer/Dockerfile": "FROM mcr.microsoft.com/devcontainers/python:3.12\n",
        ".devcontainer/docker-compose.yml": "services:\n  app:\n    build:\n      context: ..\n",
        ".tox/py312/Dockerfile": "FROM python:3.12\n",
        ".cache/compose.yml": "services:\n  app:\n    build: .\n",
    })
    assert [f"{e.path}:{e.line}" for e in detect_containers(t)] == [
        ".devcontainer/Dockerfile:1", ".devcontainer/docker-compose.yml:1"]


# --- infrastructure as code ----------------------------------------------------------------------
def test_paas_manifests_are_infrastructure_as_code(tmp_path):
    t = tree(tmp_path, {
        "heroku.yml": "build:\n  docker:\n    web: Dockerfile\n",
        "app.json": '{\n  "name": "shop",\n  "formation": {"web": {"quantity": 1}},\n'
                    '  "stack": "container"\n}\n',
        "mobile/app.json": '{\n  "expo": {"name": "shop"}\n}\n',
        "netlify.toml": "# preview\n[build]\n  publish = \"dist\"\n",
        "render.yaml": "services:\n  - type: web\n",
        "deployment/eb/Dockerrun.aws.json": '{\n  "AWSEBDockerrunVersion": "1"\n}\n',
    })
    assert [(f"{e.path}:{e.line}", e.kind) for e in detect_iac(t)] == [
        ("app.json:3", "paas"), ("deployment/eb/Dockerrun.aws.json:2", "paas"),
        ("heroku.yml:1", "paas"), ("netlify.toml:2", "paas"), ("render.yaml:1", "paas")]


# --- evidence cites a line -----------------------------------------------------------------------
def test_pipeline_runner_compose_and_manifest_evidence_cite_their_line(tmp_path):
    t = tree(tmp_path, {
        W: "# CI\nname: ci\non:\n  push:\njobs: {}\n",
        "Jenkinsfile": "// build\npipeline {\n  agent any\n}\n",
        "tox.ini": "[tox]\nenvlist = py312\n\n[testenv]\ncommands = pytest\n",
        "compose.yaml": "x-common: &common\n  restart: always\nservices:\n  web:\n    build: .\n",
        "Procfile": "# processes\nweb: gunicorn app.wsgi\n",
        "infra/main.tf": "# bucket\nresource \"aws_s3_bucket\" \"b\" {}\n",
    })
    assert [(e.path, e.line) for e in detect_ci(t)] == [(W, 3), ("Jenkinsfile", 2),
                                                        ("tox.ini", 4)]
    assert [(e.path, e.line) for e in detect_containers(t)] == [("compose.yaml", 3)]
    assert [(e.path, e.line) for e in detect_iac(t)] == [("Procfile", 2), ("infra/main.tf", 2)]


# --- hostile input -----------------------------------------------------------------------------
def test_adversarial_pipelines_and_scripts_stay_linear(tmp_path):
    """Generous budget: before the scripts were read once per question this took minutes."""
    import time

    calls = "".join(f"- run: bash scripts/big.sh arg{i % 40}\n" for i in range(1500))
    t = tree(tmp_path, {
        W: workflow(calls + "- run: make all\n- run: echo " + "${{ " * 20000 + "\n"
                    + "- run: a" + " " * 100000 + "x\n"),
        "scripts/big.sh": "f() {\n" * 5000 + "case $1 in\n" + "x)\n  f\n  ;;\n" * 3000 + "esac\n",
        "Makefile": "A0 = x\n" + "".join(f"A{i} = $(A{i - 1})$(A{i - 1})$(A{i - 1})\n"
                                         for i in range(1, 40)) + "all:\n\t$(A39)\n",
    })
    start = time.perf_counter()
    assert lines(detect_ci(t), "runs_tests") == []
    assert time.perf_counter() - start < 15


def test_a_compose_file_whose_images_only_run_the_tests_is_a_harness(tmp_path):
    """A root compose file whose only built service runs 'make test' (the Makefile runs pytest)
    is a test harness, and so is the Dockerfile only it builds when it starts nothing; the
    application's image in docker/Dockerfile-src (a Dockerfile-<suffix> name) counts, with
    its HEALTHCHECK."""
    tree_ = tree(tmp_path, {
        "Makefile": "test:\n\tpytest -q\n",
        "docker-compose.yml": "services:\n  test:\n    build: .\n    command: make test\n"
                              "  postgres:\n    image: postgres\n",
        "Dockerfile": "FROM python:3.12\nRUN pip install -e .[tests]\n",
        "docker/Dockerfile-src": "FROM python:3.12\nCOPY . /app\n"
                                 "HEALTHCHECK CMD curl -f http://localhost/health\n"
                                 "CMD [\"gunicorn\", \"app:app\"]\n",
        "app/__init__.py": "",
    })
    assert [(e.path, e.kind) for e in detect_containers(tree_)] == [
        ("docker/Dockerfile-src", "dockerfile")]
    probes = [e for e in detect_observability(tree_) if e.kind == "health_check"]
    assert [(e.path, e.line) for e in probes] == [("docker/Dockerfile-src", 3)]


def test_a_compose_file_that_runs_the_application_is_no_harness(tmp_path):
    t = tree(tmp_path, {
        "Makefile": "test:\n\tpytest -q\n",
        "docker-compose.yml": "services:\n  web:\n    build:\n      context: .\n"
                              "    command: gunicorn app:app\n  tests:\n    build: .\n"
                              "    command: make test\n",
        "Dockerfile": "FROM python:3.12\nRUN pip install -e .\n",
        "app/__init__.py": "",
    })
    found = {e.path for e in detect_containers(t)}
    assert found == {"Dockerfile", "docker-compose.yml"}
