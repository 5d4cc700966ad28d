"""analyzers.runtime (with analyzers.launchers and analyzers.resilience): the rules behind the
truth-set misses of issue 13, each on a small tree of real files. Every tree mixes the shape the
rule must find with the look-alikes it must leave alone."""

from __future__ import annotations

from pathlib import Path

from analyzers.runtime import (
    detect_config,
    detect_messaging,
    detect_observability,
    detect_resilience,
)
from tests.unit.analyzers.trees import tree




def where(evidence, kinds) -> set[str]:
    return {f"{e.path}:{e.line}" for e in evidence if e.kind in kinds}


def files(evidence, kinds) -> set[str]:
    return {e.path for e in evidence if e.kind in kinds and e.path.endswith(".py")}


def queue_names(evidence) -> set[str]:  # as benchmarks/eval_detectors.py reads them
    return {e.detail.split("'")[1] for e in evidence if e.kind == "queues" and "'" in e.detail}


# --- configuration -----------------------------------------------------------------------------
def test_config_writing_or_passing_the_environment_is_not_reading_it(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")\n',
        "app/cli.py": """
            import os, subprocess
            os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
            subprocess.run(["x"], env=os.environ.copy())
        """,
        "app/runner.py": """
            from os import environ
            def setup(key, value):
                if key in environ:
                    environ.pop(key)
                environ[key] = value
                print(environ[key])  # reads back what it wrote
        """,
        "app/tasks.py": """
            import os
            if os.environ.get("DJANGO_SETTINGS_MODULE") is None:
                os.environ["DJANGO_SETTINGS_MODULE"] = "settings.main"
        """,
        "bin/release.py": 'import os\ntoken = os.environ["GITHUB_TOKEN"]\n',
        "app/wsgi.py": "def app(environ, start):\n    return environ.get('PATH_INFO')\n",
    })
    assert detect_config(t) == ()


def test_config_reads_through_a_library_only_when_it_reads(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "settings/ci.py": "import environ\nenv = environ.Env()\nDEBUG = False\n",
        "app/commands/storage.py": "import environ\nparsed = environ.Env.db_url_config(uri)\n",
        "app/config.py": """
            from starlette.config import Config

            config = Config(".env")
        """,
        "settings/main.py": """
            import environ
            env = environ.Env(DEBUG=(bool, False))
            DEBUG = env.bool("DJANGO_DEBUG")
        """,
    })
    assert where(detect_config(t), {"env_vars", "django-environ"}) == {
        "app/config.py:3", "settings/main.py:2"}


def test_config_documentation_is_not_the_application(tmp_path: Path) -> None:
    """A docs folder that is no Python package, and a Sphinx configuration anywhere, describe
    how the documentation builds; a package named ``docs`` is application code."""
    sphinx = 'import os\non_rtd = os.environ.get("READTHEDOCS") == "True"\n' \
             'extensions = ["sphinx.ext.autodoc"]\nhtml_theme = "alabaster"\n'
    t = tree(tmp_path, {
        "docs/conf.py": sphinx,
        "doc/source/conf.py": sphinx,
        "website/conf.py": sphinx,
        "docs/scripts/schema.py": 'import os\nout = os.getenv("OUT")\n',
        "app/__init__.py": "",
        "app/plugins/__init__.py": "",
        "app/plugins/docs/__init__.py": "",
        "app/plugins/docs/plugin.py": 'import os\nKEY = os.environ["DOCS_API_KEY"]\n',
        "app/conf.py": 'import os\nextensions = os.environ.get("EXTENSIONS", "")\n',
    })
    assert files(detect_config(t), {"env_vars"}) == {"app/plugins/docs/plugin.py",
                                                     "app/conf.py"}


def test_config_flask_loads_the_file_an_environment_variable_names(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "app/factory.py": """
            from flask import Flask

            def create_app(config_path=None):
                app = Flask(__name__)
                if config_path:
                    app.config.from_pyfile(config_path)
                else:
                    app.config.from_envvar("APP_CONF")
                return app
        """,
        "app/modern.py": "app = Flask(__name__)\napp.config.from_prefixed_env()\n",
        "app/static.py": "app = Flask(__name__)\napp.config.from_pyfile('app.cfg')\n",
    })
    assert where(detect_config(t), {"env_vars"}) == {"app/factory.py:8", "app/modern.py:2"}


# --- worker processes --------------------------------------------------------------------------
ENTRYPOINT = """
#!/bin/bash
set -e

scheduler() {
  echo "Starting the scheduler..."
  exec /app/manage.py rq scheduler
}

worker() {
  export QUEUES=${QUEUES:-}
  exec supervisord -c worker.conf
}

workers_healthcheck() {
  COUNT=`rq info --url $REDIS_URL -R | grep workers`
  exit 0
}

server() {
  exec gunicorn -b 0.0.0.0:5000 --workers 4 app.wsgi:app
}

case "$1" in
  worker)
    shift
    worker
    ;;
  consumer) exec python -m app.consume ;;
  *)
    echo "worker -- start an rq worker"
    exec "$@"
    ;;
esac
"""


def test_workers_started_by_shell_entrypoints_without_extension(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "bin/docker-entrypoint": ENTRYPOINT,
        "docker/celery/start-worker": "#!/bin/bash\n\ncelery --app shop worker \\\n"
                                      "  --loglevel INFO\n",
        "docker/celery/start-flower": "#!/bin/sh\ncelery --app shop flower\n",
        "docker/Dockerfile": "FROM python\nCOPY docker/celery/start-worker /start-worker\n"
                             'CMD ["celery", "-A", "shop", "beat"]\n',
    })
    assert where(detect_messaging(t), {"worker"}) == {
        "bin/docker-entrypoint:6", "bin/docker-entrypoint:11", "bin/docker-entrypoint:28",
        "docker/celery/start-worker:3", "docker/Dockerfile:3"}


def test_workers_started_by_uwsgi_supervisord_compose_and_tasks(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "docker/uwsgi.ini": """
            [uwsgi]
            processes = 4
            module = app.wsgi:application
            hook-pre-app = exec:./manage.py migrate
            attach-daemon = ./manage.py sendalerts
            smart-attach-daemon = /tmp/beat.pid ./manage.py sendreports --loop
        """,
        "worker.conf": """
            [program:worker]
            command=./manage.py rq worker %(ENV_QUEUES)s
            numprocs=2

            [program:web]
            command=gunicorn app.wsgi
        """,
        "compose.yaml": """
            services:
              server:
                build: .
                command: dev_server
              worker:
                build: .
                command: dev_worker
              importer:
                build: .
                command: ["python", "-m", "app.worker"]
              web:
                build: .
                command: uvicorn app:app --workers 2
        """,
        "pyproject.toml": """
            [tool.poe.tasks]
            start.cmd = "uvicorn app.asgi:application --reload"
            worker.cmd = "celery --app app.celeryconf:app worker -E"
            scheduler.cmd = "celery --app app.celeryconf:app beat"
        """,
        ".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n"
                                    "      - run: celery -A app worker --help\n",
    })
    assert where(detect_messaging(t), {"worker"}) == {
        "docker/uwsgi.ini:5", "docker/uwsgi.ini:6", "worker.conf:2", "compose.yaml:7",
        "compose.yaml:10", "pyproject.toml:3", "pyproject.toml:4"}


def test_workers_a_cron_daemon_kept_in_the_foreground(tmp_path: Path) -> None:
    """A container that keeps a cron daemon running (supervisord program, CMD) runs the
    application's scheduled jobs, the role ``celery beat`` plays; installing cron, listing a
    crontab or downloading supercronic starts nothing."""
    t = tree(tmp_path, {
        "docker/supervisor.conf": """
            [program:web]
            command=app start -b 0.0.0.0:8000

            [program:nginx]
            command=/usr/sbin/nginx -g "daemon off;"

            [program:cron]
            environment=APP_CONF=/etc/app.conf.py
            command=/usr/sbin/crond -f
        """,
        "docker/Dockerfile.cron": """
            FROM python:3.12
            RUN apt-get install -y cron && crontab -l
            RUN curl -fsSLO https://example.org/supercronic-linux-amd64 \\
                && mv supercronic-linux-amd64 /usr/local/bin/supercronic
            CMD ["/usr/local/bin/supercronic", "/app/crontab"]
        """,
    })
    assert where(detect_messaging(t), {"worker"}) == {"docker/supervisor.conf:9",
                                                      "docker/Dockerfile.cron:5"}


CLI = """
import click

@cli.group("scheduler")
def scheduler_group():
    pass

@scheduler_group.command("list")
def list_tasks():
    for task in scheduler.registered_tasks:
        print(task)

@scheduler_group.command("start")
@click.option("--eager", is_flag=True)
def start(eager):
    scheduler.start()

@signals.command("process")
def process_signals():
    while True:
        process_pending()
"""


def test_workers_are_long_running_cli_commands_when_no_launcher_starts_them(
        tmp_path: Path) -> None:
    t = tree(tmp_path, {"src/app/cli.py": CLI})
    assert where(detect_messaging(t), {"worker"}) == {"src/app/cli.py:12", "src/app/cli.py:17"}
    t = tree(tmp_path, {"Procfile": "web: gunicorn app\nworker: app scheduler start\n"})
    assert where(detect_messaging(t), {"worker"}) == {"Procfile:2"}


# --- queues ------------------------------------------------------------------------------------
def test_queues_the_application_declares(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "shop/settings.py": """
            import os
            CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
            WEBHOOK_QUEUE_NAME = os.environ.get("WEBHOOK_QUEUE_NAME", None)
            RQ_QUEUES = {
                "default": {"URL": REDIS_URL},
                "high": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 500},
            }
        """,
        "shop/webhook/transport.py": """
            from shop.celeryconf import app
            OBSERVABILITY_QUEUE_NAME = "observability"

            @app.task(queue=OBSERVABILITY_QUEUE_NAME)
            def report(): ...
        """,
        "shop/tasks.py": """
            from shop.worker import job

            @job("emails", timeout=30)
            def send(): ...
        """,
        "shop/worker.py": """
            from rq import Queue
            default_queues = ["periodic", "reports"]
            scheduler = Scheduler(connection=redis, queue_name="scheduled")
            imports = Queue("imports", connection=redis)
        """,
        "shop/models.py": "queue_name = Column(db.String(255), default=\"queries\")\n",
        "tests/test_checkout.py": 'queue = "checkout_queue"\n'
                                  '@app.task(queue="test_only")\ndef t(): ...\n',
        "shop/tests/test_tasks.py": 'from celery import shared_task\n'
                                    'CHECKOUT_QUEUE = "checkout_queue"\n',
    })
    found = detect_messaging(t)
    assert queue_names(found) == {"celery", "default", "high", "observability", "emails",
                                  "periodic", "reports", "scheduled", "imports", "queries"}
    lines = {e.detail.split("'")[1]: f"{e.path}:{e.line}" for e in found if e.kind == "queues"
             and "'" in e.detail}
    assert lines["observability"] == "shop/webhook/transport.py:2"
    assert lines["celery"] == "shop/settings.py:2"
    assert lines["high"] == "shop/settings.py:6"


# --- health endpoints and probes ---------------------------------------------------------------
def test_health_endpoints_are_the_apps_own_routes(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "hc/api/urls.py": """
            urlpatterns = [
                path("checks/<uuid:code>/status/", views.check_status),
                path("status/", views.status),
            ]
        """,
        "hc/front/urls.py": """
            check_urls = [
                path("status/", views.status_single),
            ]
            urlpatterns = [
                path("checks/<uuid:code>/", include(check_urls)),
            ]
        """,
        "app/handlers.py": """
            @routes.route("/ping", methods=["GET"])
            def ping():
                return "PONG."

            @routes.route("/status.json")
            def status_api(): ...
        """,
        "app/asgi.py": 'application = health_check(application, "/health/")\n',
        "app/query_runner/es.py": """
            def test_connection(self):
                _, error = self.get_response("/_cluster/health")
                requests.get("http://search:9200/_cluster/health")
                return {"status": "ok"}
        """,
        "app/client.py": 'check_health("/health")\nclient.get("/healthz")\n',
    })
    assert where(detect_observability(t), {"health_check"}) == {
        "hc/api/urls.py:3", "app/handlers.py:1", "app/asgi.py:1"}


def test_probes_of_the_application_not_of_its_dependencies(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "compose.yml": """
            services:
              db:
                image: postgres:18
                healthcheck:
                  test: ["CMD-SHELL", "pg_isready"]
              backend:
                image: backend:latest
                healthcheck:
                  test: ["CMD", "curl", "-f", "http://localhost:8000/health/"]
                build:
                  context: .
        """,
        "worker.conf": """
            [program:worker]
            command=./manage.py rq worker

            [eventlistener:worker_healthcheck]
            command=./manage.py rq healthcheck
            events=TICK_60
        """,
    })
    assert where(detect_observability(t), {"health_check"}) == {"compose.yml:8",
                                                                "worker.conf:5"}


def test_files_full_of_look_alikes_stay_cheap(tmp_path: Path) -> None:
    """A tree built to make the text rules walk back or scan blocks for every candidate: each
    rule reads a bounded number of candidates per file (generous budget: seconds, not
    minutes)."""
    import time

    deep = "f(" * 2000 + "timeout=1" + ")" * 2000 + "\n"
    loop = "while True:\n    try:\n        x()\n        break\n    except E:\n        sleep(1)\n"
    t = tree(tmp_path, {
        "app/timeouts.py": "requests.get(url, timeout=1)\n" * 40_000,
        "app/deep.py": deep * 200,
        "app/loops.py": loop * 15_000,
        "app/queues.py": 'import celery\nqueue_name = "q"\n' * 20_000,
        "app/urls.py": 'path("status/", v)\n' * 40_000,
    })
    start = time.perf_counter()
    detect_resilience(t, ())
    detect_messaging(t, ())
    detect_observability(t, ())
    assert time.perf_counter() - start < 10
