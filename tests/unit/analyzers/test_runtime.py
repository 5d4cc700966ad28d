"""analyzers.runtime (with analyzers.launchers and analyzers.resilience): the rules behind the
truth-set misses of issue 13, each on a small tree of real files. Every tree mixes the shape the
rule must find with the look-alikes it must leave alone."""

from __future__ import annotations

import textwrap
from pathlib import Path

from analyzers.filetree import Evidence, FileTree
from analyzers.runtime import (
    detect_config,
    detect_messaging,
    detect_observability,
    detect_resilience,
)


def tree(root: Path, files: dict[str, str]) -> FileTree:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return FileTree(str(root))


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


# --- timeouts ----------------------------------------------------------------------------------
def test_timeouts_on_any_outbound_call_or_client(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "app/smtp.py": "import smtplib\nsmtp = smtplib.SMTP(host, port, timeout=3)\n",
        "app/db.py": """
            def engine(url):
                kwargs = {
                    "pool_timeout": 30,
                }
                return create_engine(url, **kwargs)
        """,
        "app/google.py": "import socket\nsocket.setdefaulttimeout(300)\n",
        "app/signal.py": "def send(s):\n    s.settimeout(15)\n",
        "app/http.py": "HTTPConfig = requests_hardened.Config(default_timeout=(2, 18))\n",
        "app/redis_buffer.py": "pool = ConnectionPool.from_url(url, socket_timeout=0.5)\n",
        "app/curl.py": "c.setopt(pycurl.TIMEOUT, timeout)\n",
        "app/cass.py": "session.default_timeout = self.configuration.get('timeout', 10)\n",
        "app/sheets.py": """
            class TimeoutSession(Session):
                def request(self, *args, **kwargs):
                    kwargs.setdefault("timeout", 300)
                    return super().request(*args, **kwargs)
        """,
        "app/runner.py": """
            schema = {
                "properties": {
                    "connect_timeout": {"type": "number", "default": 60},
                }
            }
        """,
        "app/insights.py": """
            def wait(elapsed):
                if elapsed > TIMEOUT:
                    raise Exception("Request exceeded timeout.")
        """,
        "settings/main.py": "if EMAIL_HOST:\n    EMAIL_TIMEOUT = 60\n",
        "app/off.py": "api = API(user_agent=agent, timeout=3)\n",
    })
    assert where(detect_resilience(t), {"timeout"}) == {
        "app/smtp.py:2", "app/db.py:3", "app/google.py:2", "app/signal.py:2", "app/http.py:1",
        "app/redis_buffer.py:1", "app/curl.py:1", "app/cass.py:1", "app/sheets.py:3",
        "app/runner.py:3", "app/insights.py:2", "settings/main.py:2", "app/off.py:1"}


def test_cache_expiry_job_limits_and_waits_are_not_timeouts(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "app/scores.py": """
            @cache.memoize(timeout=60)
            def scores(): ...

            def remember(key, value, timeout=1800):
                cache.set(key, value, timeout=timeout)
                self.set(key=key, value=value, timeout=timeout)
        """,
        "app/tasks.py": """
            @job("schemas", queue_class=Queue, at_front=True, timeout=300, ttl=90)
            def refresh(): ...

            periodic = [{"func": refresh, "timeout": 600, "interval": 30}]
        """,
        "app/alerts.py": """
            def loop(self):
                if not self.seats.acquire(timeout=1):
                    return
                subprocess.run(["x"], timeout=30)
                _wait(connection, timeout=10)
                Check.objects.filter(timeout=spec.timeout)
                try:
                    get()
                except (ReadTimeout, ConnectTimeout):
                    pass
        """,
        "app/forms.py": "class F(Form):\n    timeout = forms.IntegerField(min_value=60)\n",
        "app/settings.py": "S3_TIMEOUT = 60\nDEFAULT_TIMEOUT = td(days=1)\n",
    })
    assert where(detect_resilience(t), {"timeout"}) == set()


# --- retries -----------------------------------------------------------------------------------
def test_retries_explicit_loops_policies_and_celery(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "ping.py": """
            while True:
                try:
                    engine.raw_connection()
                    break
                except Exception as e:
                    print(e)
                    time.sleep(1)
        """,
        "app/emails.py": """
            def run(self):
                for attempt in range(self.MAX_TRIES):
                    try:
                        self.message.send()
                        return
                    except SMTPServerDisconnected:
                        if attempt + 1 == self.MAX_TRIES:
                            raise
                        time.sleep(1)
        """,
        "app/transport.py": """
            def request(cls):
                tries_left = 3
                while True:
                    try:
                        return cls._request()
                    except TransportError as e:
                        tries_left -= 1
                        if tries_left == 0:
                            raise
        """,
        "app/s3.py": """
            from urllib3.util import Retry
            client = Minio(http_client=PoolManager(timeout=5, retries=Retry(total=1)))
        """,
        "app/adapter.py": "session.mount('https://', HTTPAdapter(max_retries=3))\n",
        "app/search.py": "from elasticsearch.helpers import bulk\n"
                         "ok, errors = bulk(es, actions, max_retries=3)\n",
        "app/tasks.py": """
            @app.task(bind=True, retry_backoff=10, retry_kwargs={"max_retries": 5})
            def deliver(self, delivery_id):
                handle_webhook_retry(self, delivery_id)
        """,
        "app/install.py": """
            @app.task(bind=True)
            def install(self):
                raise self.retry(countdown=5)
        """,
    })
    assert where(detect_resilience(t), {"retry"}) == {
        "ping.py:1", "app/emails.py:2", "app/transport.py:3", "app/s3.py:2",
        "app/adapter.py:1", "app/search.py:2", "app/tasks.py:3", "app/install.py:3"}


def test_loops_and_declarations_that_do_not_retry(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "app/consumer.py": """
            while True:
                try:
                    message = queue.get()
                    if message is None:
                        break
                    handle(message)
                except Exception:
                    log.exception("failed")
        """,
        "app/enqueue.py": """
            while try_count < 5:
                try_count += 1
                try:
                    pipe.watch(lock)
                    pipe.execute()
                    break
                except redis.WatchError:
                    continue
        """,
        "app/checkout.py": """
            @app.task(bind=True, default_retry_delay=60, retry_kwargs={"max_retries": 5})
            def complete(self): ...
        """,
        "app/__init__.py": "",
        "app/commands/install_app.py": "from app.installation import fetch_manifest\n"
                                       "from ..installation import fetch_icon\n"
                                       "manifest = fetch_manifest(url, max_retries=2)\n"
                                       "icon = fetch_icon(url, max_retries=2)\n",
        "app/retrying.py": "def handle_retry(self, delivery):\n    pass\n",
        "backend/app/tests_pre_start.py": "from tenacity import retry\n\n"
                                          "@retry()\ndef init(): ...\n",
    })
    assert where(detect_resilience(t), {"retry"}) == set()


# --- circuit breakers --------------------------------------------------------------------------
def test_hand_written_circuit_breakers(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "app/webhook/circuit_breaker/storage.py": "import time\n\n\nclass Storage:\n    pass\n",
        "app/webhook/board.py": "class BreakerBoard:\n    def register_error(self): ...\n",
        "app/webhook/transport.py": "send = breaker_board.wrap_promise_func(send)\n",
        "app/models.py": """
            def get_body(self):
                if not TokenBucket.s3_is_healthy():
                    raise self.GetBodyError()
                try:
                    return get_object(self.code)
                except GetObjectError:
                    TokenBucket.record_s3_get_object_error()
                    raise
        """,
        "app/enums.py": "class CircuitBreakerState:\n    OPEN = 'open'\n",
        "app/types.py": "state = breaker_board.storage.get_app_state(app_id)\n",
        "app/games/icebreaker.py": "class Game:\n    pass\n",
        "app/status.py": "if not service.is_healthy():\n    alert()\n",
    })
    assert where(detect_resilience(t), {"circuit_breaker"}) == {
        "app/webhook/circuit_breaker/storage.py:4", "app/webhook/board.py:1",
        "app/webhook/transport.py:1", "app/models.py:2"}


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
