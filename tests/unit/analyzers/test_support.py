"""analyzers.support: support code told by path and by content (parsed facts and raw text agree),
and operations evidence that never comes from tests, fixtures or migrations."""

from __future__ import annotations

import textwrap

import pytest

from analyzers.operations import (
    detect_config,
    detect_containers,
    detect_iac,
    detect_messaging,
    detect_observability,
    detect_resilience,
)
from analyzers.pyparse import parse_source
from analyzers.support import content_kind, path_kind, support_kind, text_kind
from tests.unit.analyzers.trees import tree

SUPPORT_PATHS = {
    "tests/test_orders.py": "test", "app/tests/__init__.py": "test",
    "app/orders/tests.py": "test", "conftest.py": "test", "app/conftest.py": "test",
    "app/orders/views_test.py": "test", "app/orders/views_tests.py": "test",
    "functional_tests/checkout.py": "test", "app/test_utils/builders.py": "test",
    "e2e/flows/buy.py": "test", "src/app/testing/helpers.py": "test",
    "tests_integration/x.py": "test", "app/tests/test_settings.py": "test",
    "app/orders/migrations/0001_initial.py": "migration",
    "app/orders/migrations/__init__.py": "migration",
    "db/alembic/versions/1a2b_add.py": "migration", "alembic/env.py": "migration",
    "app/settings/test.py": "test-settings", "app/settings/testing.py": "test-settings",
    "settings_test.py": "test-settings", "app/test_settings.py": "test-settings",
    "app/fixtures/orders.py": "fixture", "app/factories/orders.py": "fixture",
}
APPLICATION_PATHS = ("app/orders/models.py", "app/contests/views.py", "app/testimonials.py",
                     "app/latest.py", "app/attest.py", "app/protest/service.py",
                     "app/orders/factory.py", "app/settings/production.py",
                     "app/orders/migration_plan.py", "app/test.py", "app/testing.py")


@pytest.mark.parametrize("path", sorted(SUPPORT_PATHS))
def test_support_paths(path):
    assert path_kind(path) == SUPPORT_PATHS[path]


@pytest.mark.parametrize("path", APPLICATION_PATHS)
def test_application_paths(path):
    assert path_kind(path) is None


CONTENT = {  # source -> kind, for a file whose path says nothing
    """
    from django.test import TestCase
    from shop.orders.models import Order

    class BaseTestCase(TestCase):
        def setUp(self):
            self.order = Order()
    """: "test",
    """
    import unittest

    class Checks(unittest.TestCase):
        def test_it(self):
            pass
    """: "test",
    """
    import pytest

    from shop.orders.models import Order

    @pytest.fixture
    def order():
        return Order()
    """: "test",  # a pytest plugin of fixtures: mostly test libraries
    """
    from django.db import migrations, models

    class Migration(migrations.Migration):
        operations = []
    """: "migration",
    """
    from alembic import op
    import sqlalchemy as sa

    revision = "1a2b"

    def upgrade():
        op.add_column("orders", sa.Column("note", sa.Text()))
    """: "migration",
    """
    \"\"\"Merge revision\"\"\"
    revision = "3a5e776ddce4"
    down_revision = ("c1abb0cc40e5", "cfde1bca6a6e")

    def upgrade():
        pass
    """: "migration",  # an Alembic revision without any import
    """
    import socket

    def test_connection(host):
        return socket.create_connection((host, 80))
    """: None,  # a production check named test_*, no test library
    """
    from alembic import command
    from alembic.config import Config

    def upgrade_database():
        command.upgrade(Config("alembic.ini"), "head")
    """: None,  # a program that runs migrations is no migration
    """
    import json
    import logging
    from unittest import mock

    from shop.orders.models import Order

    def stub_gateway():
        return mock.Mock()
    """: None,  # one test library among many imports, no test: application code
    """
    import factory

    from shop.orders.models import Order

    class OrderFactory(factory.Factory):
        class Meta:
            model = Order
    """: None,  # a factory alone: a fixture only if only tests use it (advisor.support)
}


@pytest.mark.parametrize("source", list(CONTENT))
def test_content_rules_on_facts_and_on_text_agree(source):
    text = textwrap.dedent(source).lstrip("\n")
    expected = CONTENT[source]
    assert content_kind(parse_source(text)) == expected
    assert text_kind("app/orders/checks.py", text) == expected
    assert support_kind("app/orders/checks.py", parse_source(text)) == expected


def test_path_wins_over_content():
    assert support_kind("tests/helpers.py", parse_source("x = 1\n")) == "test"
    assert support_kind("app/models.py", None) is None


# --- operations evidence never comes from support code --------------------------------------


TEST_SUITE = {
    "app/orders/tests/test_checkout.py": """
        import os
        import requests
        import sentry_sdk
        from celery import shared_task

        BASE = os.environ["BASE_URL"]

        def test_health():
            assert requests.get(BASE + "/health/").ok

        def test_queue():
            shared_task(lambda: 1).apply_async(queue="checkout_queue", max_retries=3)
        """,
    "app/orders/checks.py": """
        import unittest
        import requests

        class Smoke(unittest.TestCase):
            def test_ping(self):
                requests.get("http://localhost/healthz")
        """,
    "app/settings_test.py": "import os\nDEBUG = os.getenv('DEBUG')\n",
    "e2e/Dockerfile": "FROM python:3.12\nHEALTHCHECK CMD curl -f http://localhost/\n",
    "e2e/docker-compose.yml": "services:\n  worker:\n    command: celery -A app worker\n",
    "tests/fixtures/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
                                  "spec:\n  livenessProbe: {}\n",
    "app/orders/migrations/0002_data.py": "import requests\nrequests.get('http://x')\n",
    "requirements-test.txt": "celery==5.3\nsentry-sdk==2.0\ntenacity==8.2\n",
}


@pytest.mark.parametrize("detector", [detect_containers, detect_iac, detect_observability,
                                      detect_resilience, detect_messaging, detect_config])
def test_support_code_is_no_operations_evidence(tmp_path, detector):
    assert detector(tree(tmp_path, TEST_SUITE)) == ()


def test_the_same_code_in_the_application_is_evidence(tmp_path):
    files = {"app/orders/tasks.py": TEST_SUITE["app/orders/tests/test_checkout.py"],
             "deploy/Dockerfile": TEST_SUITE["e2e/Dockerfile"],
             "requirements.txt": TEST_SUITE["requirements-test.txt"]}
    t = tree(tmp_path, files)
    assert {e.kind for e in detect_messaging(t)} >= {"celery", "queues"}
    assert {e.kind for e in detect_resilience(t)} >= {"no_timeout", "retry"}
    assert {e.kind for e in detect_observability(t)} >= {"health_check", "error_tracking"}
    assert {e.kind for e in detect_config(t)} == {"env_vars"}
    assert {e.kind for e in detect_containers(t)} == {"dockerfile"}
