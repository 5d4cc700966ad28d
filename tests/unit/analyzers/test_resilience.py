"""analyzers.resilience and analyzers.retries (through ``detect_resilience``): timeouts,
retries and circuit breakers, each rule on a small tree of real files that mixes the shape it
must find with the look-alikes it must leave alone."""

from __future__ import annotations

from pathlib import Path

from analyzers.runtime import detect_resilience
from tests.unit.analyzers.test_runtime import files, tree, where


# --- timeouts ----------------------------------------------------------------------------------
def test_timeouts_on_any_outbound_call_or_client(tmp_path: Path) -> None:
    t = tree(tmp_path, {
        "app/smtp.py": "import smtplib\nsmtp = smtplib.SMTP(host, port, timeout=3)\n",
        "app/db.py": """
            def engine(url):
                kwargs = {
                    "connect_args": {"connect_timeout": 5},
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


def test_timeouts_chosen_as_a_default_for_what_a_function_calls(tmp_path: Path) -> None:
    """A function that picks the timeout of the call it makes (an override of a client's
    method, a default handed down to the code that connects) sets that timeout: the
    parameter's line. A default that only reaches a cache, a conversion or nothing is none."""
    t = tree(tmp_path, {
        "app/k8s.py": """
            class TimeoutSession(requests.Session):
                def request(
                    self,
                    method,
                    url,
                    timeout=30,
                    json=None,
                ):
                    return super().request(
                        method,
                        url,
                        timeout,
                        json,
                    )
        """,
        "app/certs.py": """
            def find_deployed(domains, timeout_seconds_per_network_call=1):
                for domain in domains:
                    # connects with the timeout chosen here
                    fetch_certificate(domain,
                                      timeout_seconds_per_network_call)
        """,
        "app/fetch.py": """
            def fetch(url: str, timeout: float = 5.0) -> bytes:
                return http.get(url, timeout=timeout).content
        """,
        "app/tokens.py": """
            def remember(key, value, timeout=1800):
                cache.set(key, value, timeout=timeout)

            def expiry(timeout: int = 300):
                return timedelta(seconds=timeout)

            def call(url, timeout=None):
                return client.get(url, timeout=timeout)  # the call's line, not the default's

            def wait(job, timeout=60):
                deadline = time.time() + timeout
                return deadline
        """,
    })
    assert where(detect_resilience(t), {"timeout"}) == {
        "app/k8s.py:6", "app/certs.py:1", "app/fetch.py:1", "app/fetch.py:2",
        "app/tokens.py:8"}


def test_payloads_shutdown_limits_and_pool_waits_are_not_timeouts(tmp_path: Path) -> None:
    """A ``"timeout"`` in the data a call carries is a value for its receiver (a UI toast's
    duration); how long shutdown may take and the wait for a free connection of the
    application's own pool bound no outbound call. Settings dicts still count."""
    t = tree(tmp_path, {
        "app/events.py": """
            def notify(user, body):
                return emit_event(
                    {
                        "title": "changed",
                        "body": body,
                        "timeout": 10000,
                    },
                    "notifications.{}".format(user.id),
                )
        """,
        "app/hooks.py": 'requests.post(url, json={"timeout": 5}, timeout=3)\n',
        "app/factory.py": "sentry_sdk.init(dsn, shutdown_timeout=60)\n",
        "app/settings.py": """
            SQLALCHEMY_ENGINE_OPTIONS = {
                "pool_recycle": 499,
                "pool_timeout": 20,
            }
            CACHES = {"default": {"OPTIONS": {"socket_timeout": 5}}}
        """,
        "app/client.py": """
            def options(kwargs):
                kwargs.update({"timeout": 10})
                return Elasticsearch([{"host": HOST, "timeout": 5}])
        """,
    })
    assert where(detect_resilience(t), {"timeout"}) == {
        "app/hooks.py:1", "app/settings.py:5", "app/client.py:2", "app/client.py:3"}


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


def test_retries_through_retry_libraries(tmp_path: Path) -> None:
    """The retry decorator libraries (tenacity, backoff, retrying, retry, stamina) are one
    family: importing one is a retry; the application's own ``retry`` helpers are not."""
    t = tree(tmp_path, {
        "app/aws/elb.py": """
            from retrying import retry

            @retry(retry_on_exception=throttled, wait_fixed=2000, stop_max_attempt_number=20)
            def describe(name): ...
        """,
        "app/mail.py": "import stamina\n\n@stamina.retry(on=IOError, attempts=3)\n"
                       "def send(): ...\n",
        "app/ftp.py": "from retry import retry\n\n@retry(tries=3, delay=2)\ndef put(): ...\n",
        "app/__init__.py": "",
        "app/jobs.py": "from app.retry import schedule_retry\nfrom .retry import later\n",
    })
    assert files(detect_resilience(t), {"retry"}) == {"app/aws/elb.py", "app/mail.py",
                                                      "app/ftp.py"}


def test_retries_a_function_that_runs_itself_again_after_a_failure(tmp_path: Path) -> None:
    """A function that calls or re-enqueues itself from an ``except`` handler or from a branch
    counting attempts retries; a tree walk, a poll, or going round after a write conflict
    does not."""
    t = tree(tmp_path, {
        "app/db.py": """
            def update_in_bulk(sql):
                cursor = connection.cursor()

                def _run_sql(retries=0, max_retries=3):
                    try:
                        cursor.execute(sql)
                    except DatabaseError:
                        if retries < max_retries:
                            _run_sql(retries + 1)

                transaction.on_commit(_run_sql)
        """,
        "app/tasks.py": """
            @app.task()
            def fetch_cert(
                id, notify=None
            ):
                for cert in resolve(id):
                    if cert.ready:
                        store(cert)
                    else:
                        if cert.number_attempts > MAX_ATTEMPTS:
                            give_up(cert)
                        else:
                            increment_attempt(cert)
                            fetch_cert.delay(id, notify)


            @app.task()
            def poll(job_id):
                if not finished(job_id):
                    poll.apply_async((job_id,), countdown=60)
        """,
        "app/tree.py": """
            def walk(node):
                for child in node.children:
                    walk(child)


            def get_or_make(key):
                try:
                    return make(key)
                except IntegrityError:
                    return get_or_make(key)


            def lookup(name):
                try:
                    return registry[name]
                except KeyError:
                    # lookup(name) again once the registry is loaded
                    raise
        """,
    })
    assert where(detect_resilience(t), {"retry"}) == {"app/db.py:9", "app/tasks.py:13"}


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


def test_reruns_are_found_the_same_in_a_file_too_big_to_count_calls_per_function() -> None:
    """Functions that never call themselves are skipped by a count of their calls: str.count
    per function in most files, one regex pass over a big file with many functions. Both
    skip the same functions: the rerun found is the same, at the same line."""
    from analyzers import retries

    rerun = ("def fetch(url, tries=0):\n    try:\n        return get(url)\n"
             "    except OSError:\n        if tries < 3:\n            fetch(url, tries + 1)\n")
    filler = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(150))
    small = retries.retries("app/a.py", rerun)
    big_text = rerun + "\n\n" + filler + "# " + "x" * 20_000 + "\n"
    assert 151 * len(big_text) > retries._COUNTED_CHARS  # the regex pass is taken
    big = retries.retries("app/b.py", big_text)
    assert [(e.line, e.detail) for e in small] == [(e.line, e.detail) for e in big]
    assert [e.line for e in big] == [6]
