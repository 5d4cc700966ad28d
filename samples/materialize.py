#!/usr/bin/env python3
"""Turn a sample code base into a git repository with a plausible, deterministic history.

    python samples/materialize.py SAMPLE_NAME TARGET_DIR [--no-history]
    python samples/materialize.py --list

``marketplace`` is written at full scale: the hand-written core in samples/marketplace plus the
domains ``codegen.py`` generates from ``domains.py``, with their teams' commits in the history
(``codegen.at_scale``). ``--no-history`` writes the final files only, without git.

TARGET_DIR must not exist or must be an empty directory (or a repository this script made of
the same sample before, which is replaced), and must lie outside the repository that holds
this script. The script copies nothing else and commits nothing anywhere else: git
runs with GIT_DIR/GIT_WORK_TREE pointing into TARGET_DIR and with global/system git config
ignored, so the result does not depend on the machine. No network access is needed.

How a history is built (the specs are data, in HISTORIES below). Each commit names an author
and a message and may:
  add    files or directories ("dir/") of the sample, added as they will finally be except for
         the parts later commits "grow" or "tweak";
  grow   "path::name": a top-level def/class of a Python file that is held back until this
         commit (the file is added without it, the commit adds it back);
  tweak  (path, old, new): a one-line change; earlier commits see ``old`` where the sample
         has ``new``; tweaks on the same line chain in commit order.
The last commit therefore reproduces the sample byte for byte (checked at the end). Dates
advance by a fixed step per sample (weekends skipped); no randomness.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import codegen

HERE = Path(__file__).resolve().parent
SKIP_NAMES = {"__pycache__", ".pytest_cache", ".git", ".mypy_cache", ".ruff_cache"}
SKIP_SUFFIXES = (".pyc", ".pyo")


def C(author, message, add=(), grow=(), tweak=()):
    return {"author": author, "message": message, "add": list(add), "grow": list(grow),
            "tweak": [tuple(t) for t in tweak]}


# --------------------------------------------------------------------------------------------
# History specs
# --------------------------------------------------------------------------------------------

BOOKSHOP = {
    "start": "2024-02-05T09:40:00+01:00",
    "step_hours": 30,
    "authors": {"maya": ("Maya Patel", "maya.patel@bookshop.example")},
    "commits": [
        C("maya", "Flask app factory and configuration",
          add=["bookshop/__init__.py", "bookshop/config.py", "wsgi.py", "requirements.txt",
               ".gitignore", "README.md"]),
        C("maya", "SQLAlchemy engine and scoped session", add=["bookshop/db.py"]),
        C("maya", "Models: authors, books, orders, order lines", add=["bookshop/models.py"]),
        C("maya", "Catalogue service: add and search books",
          add=["bookshop/services/__init__.py", "bookshop/services/catalog.py"]),
        C("maya", "pytest fixtures and first catalogue tests",
          add=["tests/__init__.py", "tests/conftest.py", "tests/test_catalog.py",
               "requirements-dev.txt"]),
        C("maya", "Run the tests on GitHub Actions", add=[".github/"]),
        C("maya", "Checkout: place orders and reserve stock", add=["bookshop/services/orders.py"]),
        C("maya", "Tests for checkout", add=["tests/test_orders.py"]),
        C("maya", "JSON routes for books and orders", add=["bookshop/routes.py"]),
        C("maya", "Route tests", add=["tests/test_routes.py"]),
        C("maya", "Restock endpoint",
          grow=["bookshop/services/catalog.py::restock", "bookshop/routes.py::restock_book"]),
        C("maya", "Test restocking", grow=["tests/test_catalog.py::test_restock_adds_copies"]),
        C("maya", "Free shipping from 35 EUR",
          tweak=[("bookshop/services/orders.py", "FREE_SHIPPING_THRESHOLD = 3000",
                  "FREE_SHIPPING_THRESHOLD = 3500"),
                 ("tests/test_orders.py", "assert shipping_for(3000) == 0",
                  "assert shipping_for(3500) == 0")]),
        C("maya", "Cancel orders and put the books back",
          grow=["bookshop/services/orders.py::cancel_order", "bookshop/routes.py::cancel"]),
        C("maya", "Tests for cancellation",
          grow=["tests/test_orders.py::test_cancel_returns_stock",
                "tests/test_orders.py::test_cannot_pay_cancelled_order"]),
        C("maya", "Shipping fee is now 4.50",
          tweak=[("bookshop/services/orders.py", "SHIPPING_FLAT_FEE = 395", "SHIPPING_FLAT_FEE = 450"),
                 ("tests/test_orders.py", "assert shipping_for(1000) == 395",
                  "assert shipping_for(1000) == 450"),
                 ("tests/test_orders.py", "assert order.shipping_cents == 395",
                  "assert order.shipping_cents == 450")]),
        C("maya", "List a customer's orders", grow=["bookshop/services/orders.py::orders_for"]),
        C("maya", "Allow up to 100 search results per page",
          tweak=[("bookshop/services/catalog.py", "limit(min(limit, 50))",
                  "limit(min(limit, 100))")]),
        C("maya", "Change book prices", grow=["bookshop/services/catalog.py::change_price"]),
        C("maya", "Mark paid orders as shipped", grow=["bookshop/services/orders.py::mark_shipped"]),
        C("maya", "Up to 10 copies per order line",
          tweak=[("bookshop/services/orders.py", "MAX_QUANTITY_PER_LINE = 5",
                  "MAX_QUANTITY_PER_LINE = 10")]),
        C("maya", "Search test with two books",
          grow=["tests/conftest.py::hobbit", "tests/test_catalog.py::test_search_matches_title_and_author"]),
        C("maya", "Test empty basket", grow=["tests/test_routes.py::test_checkout_rejects_empty_basket"]),
        C("maya", "E-mail addresses can be 320 characters",
          tweak=[("bookshop/models.py", "mapped_column(String(254), index=True)",
                  "mapped_column(String(320), index=True)")]),
        C("maya", "Bump Flask and SQLAlchemy",
          tweak=[("requirements.txt", "Flask==3.0.2", "Flask==3.0.3"),
                 ("requirements.txt", "SQLAlchemy==2.0.28", "SQLAlchemy==2.0.30")]),
        C("maya", "CI: quieter pytest output",
          tweak=[(".github/workflows/tests.yml", "      - run: pytest\n", "      - run: pytest -q\n")]),
        C("maya", "Default page size 20",
          tweak=[("bookshop/routes.py", 'request.args.get("limit", default=10, type=int)',
                  'request.args.get("limit", default=20, type=int)')]),
        C("maya", "Keep objects usable after commit",
          tweak=[("bookshop/db.py", "sessionmaker(autoflush=False))",
                  "sessionmaker(autoflush=False, expire_on_commit=False))")]),
        C("maya", "Return the validation message on 400",
          tweak=[("bookshop/__init__.py", 'return jsonify({"error": "bad request"}), 400',
                  'return jsonify({"error": str(getattr(error, "description", error))}), 400')]),
        C("maya", "Do not sort JSON keys",
          tweak=[("bookshop/config.py", "JSON_SORT_KEYS = True", "JSON_SORT_KEYS = False")]),
    ],
}

S = "tangled/settings.py"
TANGLED = {
    "start": "2021-09-06T10:15:00+01:00",
    "step_hours": 118,
    "authors": {
        "tom": ("Tom Becker", "tom@tangled-shop.example"),
        "lena": ("Lena Ortiz", "lena@tangled-shop.example"),
        "raj": ("Raj Nair", "raj@tangled-shop.example"),
    },
    "commits": [
        C("tom", "Django project skeleton",
          add=["manage.py", "tangled/", "requirements.txt", "README.md"]),
        C("tom", "core app: base models, statuses, addresses, audit log",
          add=["core/__init__.py", "core/apps.py", "core/models.py", "core/utils.py", "core/admin.py"]),
        C("lena", "customers app", add=["customers/"]),
        C("tom", "inventory app: products, reservations, stock movements", add=["inventory/"]),
        C("raj", "orders app: checkout, order lines, coupons", add=["orders/"]),
        C("lena", "billing app: invoices, payments, billing accounts", add=["billing/"]),
        C("tom", "Dashboard and audit log", add=["core/views.py", "core/urls.py", "core/templates/",
                                                  "core/services.py"]),
        C("raj", "Run flake8 on push", add=[".github/", "setup.cfg"]),
        C("lena", "Credit limit check at checkout",
          grow=["billing/services.py::outstanding_balance"],
          tweak=[("customers/services.py", "return outstanding + amount <= customer.credit_limit",
                  "return outstanding + Decimal(amount) <= customer.credit_limit"),
                 ("orders/services.py", 'raise OrderError("over credit limit")',
                  'raise OrderError("credit limit exceeded")')]),
        C("raj", "Back-orders are confirmed when goods arrive",
          grow=["orders/services.py::confirm_backorder"],
          tweak=[("inventory/services.py", ").distinct()", ').distinct().order_by("placed_at")')]),
        C("tom", "Notifications table, mails sent by a job",
          grow=["core/models.py::Notification", "core/models.py::notify",
                "core/services.py::send_pending_notifications"],
          tweak=[("orders/services.py", 'notify(customer.email, f"Order {order.number}",',
                  'notify(customer.email, f"Order {order.number} received",')]),
        C("lena", "Reminders for overdue invoices, block customers who do not pay",
          grow=["billing/services.py::send_reminders"],
          tweak=[(S, "SHOP_BLOCK_AFTER_DAYS = 60", "SHOP_BLOCK_AFTER_DAYS = 45"),
                 ("customers/services.py", 'def block_customer(customer: Customer, reason: str = "", actor=None)',
                  "def block_customer(customer: Customer, reason: str, actor=None)")]),
        C("raj", "Refunds: credit notes put items back in stock",
          grow=["billing/services.py::issue_credit_note", "billing/views.py::refund_line",
                "orders/services.py::invoice_for"],
          tweak=[("core/models.py", 'RETURN = "return", "Return"', 'RETURN = "return", "Customer return"')]),
        C("lena", "Full refund when a paid order is cancelled",
          grow=["billing/services.py::refund_order"],
          tweak=[("orders/services.py", "            pass  # TODO: refund paid orders\n",
                  "            billing_services.refund_order(order, reason=reason)\n")]),
        C("tom", "Expire stale reservations nightly",
          grow=["inventory/services.py::expire_reservations", "core/services.py::nightly"],
          tweak=[(S, "SHOP_RESERVATION_MINUTES = 30", "SHOP_RESERVATION_MINUTES = 60")]),
        C("raj", "Reorder a previous order",
          grow=["orders/services.py::reorder", "customers/services.py::reorder_last",
                "customers/views.py::reorder"]),
        C("lena", "Merge duplicate customers (orders, invoices, accounts)",
          grow=["customers/services.py::merge_customers", "customers/views.py::merge"],
          tweak=[("billing/models.py", 'ForeignKey("customers.Customer", on_delete=models.PROTECT)\n    company_name',
                  'ForeignKey("customers.Customer", on_delete=models.CASCADE)\n    company_name')]),
        C("tom", "Low stock report",
          grow=["inventory/services.py::low_stock_report", "inventory/services.py::notify_low_stock",
                "inventory/views.py::low_stock"],
          tweak=[("core/services.py", '"low_stock": len(inventory_services.low_stock_report()),',
                  '"low_stock": inventory_services.notify_low_stock(),')]),
        C("raj", "Unpaid orders list for accounts",
          grow=["orders/services.py::orders_awaiting_payment", "orders/views.py::unpaid"],
          tweak=[("billing/admin.py", 'list_display = ("number", "customer", "status", "amount", "due_date")',
                  'list_display = ("number", "customer", "order", "status", "amount", "due_date")')]),
        C("lena", "GDPR erasure",
          grow=["customers/services.py::erase", "customers/views.py::erase"],
          tweak=[("core/models.py", "payload = models.JSONField(default=dict)\n",
                  "payload = models.JSONField(default=dict, blank=True)\n")]),
        C("tom", "Customer search in the back office",
          grow=["customers/services.py::search", "customers/views.py::search"]),
        C("tom", "Manual stock adjustment", grow=["inventory/services.py::adjust_stock"],
          tweak=[("core/models.py", 'ADJUSTMENT = "adjustment", "Adjustment"',
                  'ADJUSTMENT = "adjustment", "Manual adjustment"')]),
        C("lena", "Overdue invoices page", grow=["billing/views.py::overdue"],
          tweak=[("customers/admin.py", 'list_display = ("name", "email", "loyalty_points", "is_blocked")',
                  'list_display = ("name", "email", "balance", "loyalty_points", "is_blocked")')]),
        C("raj", "Site settings and open-orders badge",
          grow=["core/models.py::SiteSetting", "core/models.py::open_orders_count",
                "core/views.py::site_settings_context"]),
        C("tom", "Paginate audit log and order list", grow=["core/utils.py::paginate"]),
        C("lena", "Payment terms 30 -> 14 days",
          tweak=[(S, "SHOP_DEFAULT_PAYMENT_TERMS_DAYS = 30", "SHOP_DEFAULT_PAYMENT_TERMS_DAYS = 14"),
                 ("billing/models.py", "PositiveSmallIntegerField(default=30)",
                  "PositiveSmallIntegerField(default=14)")]),
        C("raj", "Raise the default credit limit",
          tweak=[(S, "SHOP_CREDIT_LIMIT_DEFAULT = 250", "SHOP_CREDIT_LIMIT_DEFAULT = 500"),
                 ("customers/models.py", 'default=Decimal("250"))', 'default=Decimal("500"))')]),
        C("tom", "Reorder level 10 -> 5",
          tweak=[("inventory/models.py", "reorder_level = models.PositiveIntegerField(default=10)",
                  "reorder_level = models.PositiveIntegerField(default=5)")]),
        C("lena", "Block after 30 days overdue; longer block reasons",
          tweak=[(S, "SHOP_BLOCK_AFTER_DAYS = 45", "SHOP_BLOCK_AFTER_DAYS = 30"),
                 ("customers/models.py", "blocked_reason = models.CharField(max_length=100, blank=True)",
                  "blocked_reason = models.CharField(max_length=200, blank=True)"),
                 ("customers/services.py", "customer.blocked_reason = reason[:100]",
                  "customer.blocked_reason = reason[:200]")]),
        C("raj", "Six-digit order and invoice numbers",
          tweak=[("core/utils.py", 'return f"{prefix}-{year}-{seq:05d}"', 'return f"{prefix}-{year}-{seq:06d}"'),
                 ("orders/models.py", "number = models.CharField(max_length=20, unique=True)",
                  "number = models.CharField(max_length=30, unique=True)"),
                 ("billing/models.py", "number = models.CharField(max_length=20, unique=True)",
                  "number = models.CharField(max_length=30, unique=True)")]),
        C("tom", "Loyalty: one point per pound",
          tweak=[(S, "SHOP_LOYALTY_POINTS_PER_POUND = 2", "SHOP_LOYALTY_POINTS_PER_POUND = 1")]),
        C("lena", "Remind every 7 days",
          tweak=[(S, "SHOP_REMINDER_AFTER_DAYS = 10", "SHOP_REMINDER_AFTER_DAYS = 7"),
                 ("orders/services.py", "def orders_awaiting_payment(days: int = 14)",
                  "def orders_awaiting_payment(days: int = 7)"),
                 ("orders/views.py", 'request.GET.get("days", 14)', 'request.GET.get("days", 7)')]),
        C("raj", "Reservations last 45 minutes",
          tweak=[(S, "SHOP_RESERVATION_MINUTES = 60", "SHOP_RESERVATION_MINUTES = 45")]),
        C("tom", "Longer lists in billing and customer search",
          tweak=[("billing/views.py", "for i in qs[:100]", "for i in qs[:200]"),
                 ("customers/services.py", ").filter(merged_into__isnull=True)[:25]",
                  ").filter(merged_into__isnull=True)[:50]")]),
        C("lena", "Cancelling takes loyalty points back (never below zero)",
          tweak=[("orders/services.py", 'loyalty_points=F("loyalty_points") - int(order.total)',
                  'loyalty_points=F("loyalty_points") - min(order.customer.loyalty_points, int(order.total))'),
                 ("customers/services.py", "points = int(order.total)\n",
                  "points = int(order.total) * settings.SHOP_LOYALTY_POINTS_PER_POUND\n")]),
        C("raj", "Admin: ship selected orders",
          tweak=[("orders/admin.py", 'actions = ["mark_paid_by_bank", "put_on_hold"]',
                  'actions = ["mark_paid_by_bank", "ship_selected", "put_on_hold"]')]),
        C("tom", "Audit stock adjustments with the delta",
          tweak=[("inventory/services.py", 'audit(product, "adjusted", actor=actor)',
                  'audit(product, "adjusted", actor=actor, delta=delta)'),
                 ("core/admin.py", 'list_display = ("at", "actor", "app_label", "model_name", "action")',
                  'list_display = ("at", "actor", "app_label", "model_name", "object_id", "action")')]),
        C("lena", "Hold back-orders of blocked customers too",
          tweak=[("customers/services.py", "customer=customer, status__in=[OrderStatus.PENDING]",
                  "customer=customer, status__in=[OrderStatus.PENDING, OrderStatus.BACKORDERED]"),
                 ("core/models.py", 'ON_HOLD = "on_hold", "Held"', 'ON_HOLD = "on_hold", "On hold"')]),
        C("raj", "Tax by shipping country",
          tweak=[("orders/models.py", 'country = "GB"',
                  'country = self.shipping_address.country if self.shipping_address else "GB"'),
                 ("core/models.py", 'return row.rate if row else Decimal("0.2")',
                  'return row.rate if row else Decimal("0.20")')]),
        C("tom", "Dashboard and reorder use available stock",
          tweak=[("core/services.py",
                  '"low_stock": Product.objects.filter(stock__lte=5).count(),',
                  '"low_stock": len([p for p in Product.objects.filter(is_active=True) if p.needs_reorder()]),'),
                 ("inventory/models.py", "return self.stock <= self.reorder_level",
                  "return self.available <= self.reorder_level")]),
        C("lena", "Friendlier e-mails",
          tweak=[("orders/services.py", '"Your order has shipped."', '"It is on its way."'),
                 ("billing/services.py", 'f"Please pay {invoice.outstanding}.", invoice=invoice)',
                  'f"{invoice.outstanding} is {days_late} days overdue.", invoice=invoice)'),
                 ("customers/services.py", 'f"Your account is on hold: {reason}.")',
                  'f"We put your account on hold: {reason}. Please contact us.")')]),
        C("raj", "flake8: allow 120 columns",
          tweak=[("setup.cfg", "max-line-length = 100", "max-line-length = 120")]),
        C("tom", "Upgrade to Django 4.2 LTS",
          tweak=[("requirements.txt", "Django==3.2.25", "Django==4.2.11")]),
        C("lena", "Expire only pending orders and their issued invoices",
          tweak=[("inventory/services.py", "stale = Order.objects.filter(pk__in=order_ids)",
                  "stale = Order.objects.filter(pk__in=order_ids, status=OrderStatus.PENDING)"),
                 ("inventory/services.py", "Invoice.objects.filter(order_id__in=stale_ids).update(",
                  "Invoice.objects.filter(order_id__in=stale_ids, status=InvoiceStatus.ISSUED).update(")]),
        C("raj", "Test overdue invoices", add=["billing/tests.py"]),
        C("tom", "Filter products by warehouse in admin",
          tweak=[("inventory/admin.py", 'list_filter = ("is_active",)', 'list_filter = ("is_active", "warehouse")')]),
        C("tom", "nightly management command for cron", add=["core/management/"]),
    ],
}

M = "marketplace/"
MARKETPLACE = {
    "start": "2023-01-09T09:05:00+01:00",
    "step_hours": 101,
    "authors": {
        "jonas": ("Jonas Weber", "jonas.weber@acme-market.example"),     # platform
        "ana": ("Ana Costa", "ana.costa@acme-market.example"),           # catalog
        "ben": ("Ben Okafor", "ben.okafor@acme-market.example"),         # catalog
        "chloe": ("Chloe Martin", "chloe.martin@acme-market.example"),   # checkout (orders)
        "dmitri": ("Dmitri Ivanov", "dmitri.ivanov@acme-market.example"),  # checkout (orders)
        "elif": ("Elif Yilmaz", "elif.yilmaz@acme-market.example"),      # payments
        "farid": ("Farid Haddad", "farid.haddad@acme-market.example"),   # payments
        "grace": ("Grace Liu", "grace.liu@acme-market.example"),         # search
        "hiro": ("Hiro Tanaka", "hiro.tanaka@acme-market.example"),      # search
        "ines": ("Ines Moreau", "ines.moreau@acme-market.example"),      # search
    },
    "commits": [
        C("jonas", "Project skeleton: pyproject, settings, shared kernel",
          add=["pyproject.toml", "README.md", ".gitignore", M + "__init__.py", M + "settings.py",
               M + "shared/", "tests/__init__.py", "tests/conftest.py", "tests/shared/"]),
        C("jonas", "Container image and local stack",
          add=["Dockerfile", ".dockerignore", "docker-compose.yml", ".env.example"]),
        C("ana", "Catalog domain: products, categories, events", add=[M + "catalog/", "tests/catalog/"]),
        C("ben", "Catalog HTTP API", add=[M + "catalog/http.py"]),
        C("elif", "Payments: Paygate client with retries and timeouts",
          add=[M + "payments/", "tests/payments/"]),
        C("chloe", "Orders domain: checkout through the catalog and payments APIs",
          add=[M + "orders/", "tests/orders/"]),
        C("dmitri", "Orders HTTP API", add=[M + "orders/http.py"]),
        C("grace", "Search domain: Elasticsearch indexer and query builder",
          add=[M + "search/__init__.py", M + "search/contracts.py", M + "search/models.py",
               M + "search/synonyms.py", M + "search/query.py", M + "search/indexer.py",
               M + "search/service.py", M + "search/api.py", M + "search/http.py",
               "tests/search/__init__.py", "tests/search/test_query.py", "tests/search/test_synonyms.py"]),
        C("jonas", "Celery worker with default and search-indexing queues", add=[M + "worker.py"]),
        C("hiro", "Index asynchronously from catalog events",
          add=[M + "search/tasks.py", M + "search/subscribers.py", "tests/search/test_subscribers.py"]),
        C("hiro", "Popularity re-ranking with numpy",
          add=[M + "search/ranking.py", "tests/search/test_ranking.py"]),
        C("jonas", "ASGI app with tracing, metrics and health checks",
          add=[M + "app.py", M + "observability.py", "deploy/prometheus.yml"]),
        C("jonas", "CI: lint, import contracts, tests, image build, deploy; CODEOWNERS",
          add=[".github/"]),
        C("jonas", "Kubernetes manifests and Terraform",
          add=["deploy/k8s/configmap.yaml", "deploy/k8s/api.yaml", "deploy/k8s/worker.yaml", "infra/"]),
        C("farid", "Paygate webhooks and authorisation expiry",
          add=[M + "payments/http.py", M + "payments/tasks.py"]),
        C("ines", "Dedicated search worker deployment, scaled by KEDA",
          add=["deploy/k8s/search-worker.yaml"]),
        # ---- day-to-day work: each team mostly in its own domain, search moves fastest
        C("grace", "search: boost title matches",
          tweak=[(M + "search/query.py", "TITLE_BOOST = 2", "TITLE_BOOST = 3")]),
        C("ana", "catalog: titles up to 200 characters",
          tweak=[(M + "catalog/service.py", "MAX_TITLE = 120", "MAX_TITLE = 200"),
                 (M + "catalog/http.py", "Field(max_length=120)", "Field(max_length=200)"),
                 (M + "catalog/models.py", "title: Mapped[str] = mapped_column(String(120))",
                  "title: Mapped[str] = mapped_column(String(200))")]),
        C("hiro", "search: popularity half-life 21 days",
          tweak=[(M + "search/ranking.py", "HALF_LIFE_DAYS = 30.0", "HALF_LIFE_DAYS = 21.0")]),
        C("elif", "payments: test the circuit breaker; open after 5 failures",
          grow=["tests/payments/test_client.py::test_breaker_opens_and_half_opens"],
          tweak=[(M + "payments/client.py", "failure_threshold: int = 3", "failure_threshold: int = 5")]),
        C("grace", "search: 'mobile' is a synonym of phone",
          tweak=[(M + "search/synonyms.py", '"phone": ("smartphone",),', '"phone": ("smartphone", "mobile"),')]),
        C("chloe", "orders: up to 20 units of one product",
          tweak=[(M + "orders/service.py", "MAX_QUANTITY = 10", "MAX_QUANTITY = 20"),
                 (M + "orders/http.py", "Field(gt=0, le=10)", "Field(gt=0, le=20)"),
                 ("tests/orders/test_service.py", '((("p1", 11),), "at most 10"),',
                  '((("p1", 21),), "at most 20"),')]),
        C("ines", "search-worker: concurrency 4",
          tweak=[("deploy/k8s/search-worker.yaml", '"--concurrency", "2"', '"--concurrency", "4"')]),
        C("hiro", "search: popularity from OrderPlaced events",
          grow=[M + "search/tasks.py::record_order", M + "search/subscribers.py::on_order_placed"],
          tweak=[(M + "search/subscribers.py", "    # TODO(search): orders.OrderPlaced -> popularity",
                  "    events.subscribe(orders.OrderPlaced, on_order_placed)")]),
        C("ben", "catalog: price change endpoint",
          grow=[M + "catalog/http.py::PriceIn", M + "catalog/http.py::change_price"]),
        C("grace", "search: re-rank the top 150",
          tweak=[(M + "search/query.py", "RERANK_WINDOW = 100", "RERANK_WINDOW = 150")]),
        C("farid", "payments: retry on HTTP 425 as well",
          tweak=[(M + "payments/client.py", "RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})",
                  "RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})")]),
        C("hiro", "search: 256-dimensional title embeddings",
          tweak=[(M + "search/ranking.py", "EMBEDDING_DIM = 128", "EMBEDDING_DIM = 256")]),
        C("jonas", "Readiness probe checks the database",
          grow=[M + "observability.py::readyz"],
          tweak=[("deploy/k8s/api.yaml", "            httpGet: {path: /healthz, port: http}\n            periodSeconds: 5",
                  "            httpGet: {path: /readyz, port: http}\n            periodSeconds: 5")]),
        C("grace", "search: type-ahead suggestions",
          grow=[M + "search/service.py::suggest", M + "search/http.py::suggest", M + "search/api.py::suggest"]),
        C("dmitri", "orders: cancel endpoint refunds confirmed orders",
          grow=[M + "orders/http.py::cancel", "tests/orders/test_service.py::test_cancel_refunds_confirmed_order"]),
        C("ines", "search: retry indexing longer when Elasticsearch is down",
          tweak=[(M + "search/tasks.py", '"retry_backoff_max": 120, "max_retries": 5}',
                  '"retry_backoff_max": 300, "max_retries": 8}')]),
        C("hiro", "search: small weight for title similarity",
          tweak=[(M + "search/ranking.py", "WEIGHTS = np.array([0.7, 0.3, 0.0])",
                  "WEIGHTS = np.array([0.6, 0.3, 0.1])")]),
        C("ana", "catalog: price bounds, with tests",
          grow=["tests/catalog/test_service.py::test_price_bounds"],
          tweak=[(M + "catalog/service.py", "MAX_PRICE_MINOR = 1_000_000", "MAX_PRICE_MINOR = 5_000_000")]),
        C("grace", "search: refuse deep pagination",
          grow=["tests/search/test_query.py::test_deep_pagination_is_refused"]),
        C("elif", "payments: four attempts per PSP call",
          tweak=[(M + "payments/client.py", "stop=stop_after_attempt(3),", "stop=stop_after_attempt(4),")]),
        C("ines", "search: zero-downtime reindex through an alias, nightly",
          grow=[M + "search/tasks.py::reindex_all"],
          tweak=[(M + "worker.py", "        # nightly reindex: enable once search.reindex_all exists",
                  '        "nightly-reindex": {"task": "search.reindex_all", "schedule": crontab(hour=3, minute=0)},')]),
        C("jonas", "db: recycle connections every 30 minutes",
          tweak=[(M + "shared/db.py", "pool_recycle=3600,", "pool_recycle=1800,")]),
        C("grace", "search: bulk chunks of 500",
          tweak=[(M + "search/indexer.py", "BULK_CHUNK = 200", "BULK_CHUNK = 500")]),
        C("chloe", "orders: handle late payment failures",
          grow=["tests/orders/test_service.py::test_late_payment_failure_event"]),
        C("hiro", "search: 3 s Elasticsearch timeout",
          tweak=[(M + "search/service.py", "ES_TIMEOUT_S = 5.0", "ES_TIMEOUT_S = 3.0")]),
        C("farid", "payments: read timeout 8 s",
          tweak=[(M + "settings.py", '_env_num("PAYMENTS_READ_TIMEOUT_S", 10.0, float)',
                  '_env_num("PAYMENTS_READ_TIMEOUT_S", 8.0, float)'),
                 ("deploy/k8s/configmap.yaml", 'PAYMENTS_READ_TIMEOUT_S: "10"', 'PAYMENTS_READ_TIMEOUT_S: "8"')]),
        C("ines", "search-worker: scale on a shorter queue, up to 20 pods",
          tweak=[("deploy/k8s/search-worker.yaml", 'listLength: "500"', 'listLength: "200"'),
                 ("deploy/k8s/search-worker.yaml", "maxReplicaCount: 10", "maxReplicaCount: 20")]),
        C("grace", "search: allow more synonym expansions",
          tweak=[(M + "search/synonyms.py", "MAX_EXPANSIONS = 4", "MAX_EXPANSIONS = 6")]),
        C("ben", "catalog: index products by status",
          tweak=[(M + "catalog/models.py", 'mapped_column(String(12), default="draft")',
                  'mapped_column(String(12), default="draft", index=True)')]),
        C("hiro", "search: text relevance dominates; test it",
          grow=["tests/search/test_ranking.py::test_text_relevance_dominates"],
          tweak=[(M + "search/ranking.py", "WEIGHTS = np.array([0.6, 0.3, 0.1])",
                  "WEIGHTS = np.array([0.65, 0.25, 0.10])")]),
        C("dmitri", "orders: up to 50 lines",
          tweak=[(M + "orders/service.py", "MAX_LINES = 20", "MAX_LINES = 50")]),
        C("grace", "search: minimum_should_match for long queries",
          tweak=[(M + "search/query.py", '"minimum_should_match": "75%",', '"minimum_should_match": "2<75%",')]),
        C("jonas", "DB pool of 10",
          tweak=[(M + "settings.py", '_env_num("DB_POOL_SIZE", 5)', '_env_num("DB_POOL_SIZE", 10)')]),
        C("ines", "search: refresh the index every 5 s",
          tweak=[(M + "search/indexer.py", '"refresh_interval": "1s",', '"refresh_interval": "5s",')]),
        C("elif", "payments: close the breaker after 30 s; fail-fast test",
          grow=["tests/payments/test_client.py::test_open_circuit_fails_fast"],
          tweak=[(M + "payments/client.py", "reset_after_s: float = 60.0", "reset_after_s: float = 30.0")]),
        C("hiro", "search: popularity half-life 14 days",
          tweak=[(M + "search/ranking.py", "HALF_LIFE_DAYS = 21.0", "HALF_LIFE_DAYS = 14.0")]),
        C("grace", "search: 24 results per page",
          tweak=[(M + "search/contracts.py", "page_size: int = 20", "page_size: int = 24"),
                 (M + "search/http.py", "Query(20, ge=1, le=50)", "Query(24, ge=1, le=50)")]),
        C("chloe", "orders: keep 200 characters of the cancel reason",
          tweak=[(M + "orders/models.py", "mapped_column(String(100), default=None)",
                  "mapped_column(String(200), default=None)"),
                 (M + "orders/service.py", "cancel_reason=reason[:100]", "cancel_reason=reason[:200]")]),
        C("ines", "search: three shards; bigger OpenSearch cluster",
          tweak=[(M + "search/indexer.py", '"number_of_shards": 1,', '"number_of_shards": 3,'),
                 ("infra/terraform/main.tf", "instance_count         = 2", "instance_count         = 3")]),
        C("ana", "catalog: publish in batches of 500 for reindexing",
          tweak=[(M + "catalog/api.py", "batch_size: int = 200", "batch_size: int = 500")]),
        C("grace", "search: fuzzy matching AUTO",
          tweak=[(M + "search/query.py", '"fuzziness": 1,', '"fuzziness": "AUTO",')]),
        C("farid", "payments: authorisations live 7 days at Paygate now",
          tweak=[(M + "payments/tasks.py", "AUTHORIZATION_TTL_DAYS = 5", "AUTHORIZATION_TTL_DAYS = 7")]),
        C("hiro", "search: 2 s timeout, 2 retries",
          tweak=[(M + "search/service.py", "ES_TIMEOUT_S = 3.0", "ES_TIMEOUT_S = 2.0"),
                 (M + "search/service.py", "retry_on_timeout=True, max_retries=3)",
                  "retry_on_timeout=True, max_retries=2)")]),
        C("jonas", "worker: prefetch one task at a time",
          tweak=[(M + "worker.py", "worker_prefetch_multiplier=4,", "worker_prefetch_multiplier=1,")]),
        C("grace", "search: headset is a synonym of headphones",
          tweak=[(M + "search/synonyms.py", '"headphones": ("earphones",),',
                  '"headphones": ("earphones", "headset"),')]),
        C("ines", "search: test queue routing",
          grow=["tests/search/test_subscribers.py::test_search_tasks_are_routed_to_their_own_queue"],
          tweak=[(M + "search/tasks.py", 'QUEUE = "search-indexing"\n',
                  'QUEUE = "search-indexing"  # see task_routes in marketplace.worker\n')]),
        C("ben", "catalog: 409 when publishing a retired product",
          grow=["tests/catalog/test_service.py::test_retired_products_cannot_be_republished"],
          tweak=[(M + "catalog/http.py", "raise HTTPException(400, str(exc)) from exc",
                  "raise HTTPException(409, str(exc)) from exc")]),
        C("grace", "search: re-rank the top 200",
          tweak=[(M + "search/query.py", "RERANK_WINDOW = 150", "RERANK_WINDOW = 200")]),
        C("dmitri", "orders: return the order with a payment decline",
          tweak=[(M + "orders/http.py", 'raise HTTPException(402, "payment declined")',
                  'raise HTTPException(402, {"order": _out(view), "error": "payment declined"})')]),
        C("hiro", "search: index up to 5000 characters of description",
          tweak=[(M + "search/indexer.py", "product.description[:2000]", "product.description[:5000]")]),
        C("elif", "payments: jittered backoff",
          tweak=[(M + "payments/client.py", "wait=wait_exponential(multiplier=0.5, max=5.0),",
                  "wait=wait_exponential(multiplier=0.2, max=3.0) + wait_random(0, 0.25),")]),
        C("grace", "search: fix typo correction for television",
          tweak=[(M + "search/synonyms.py", '"televsion": "television",', '"televison": "television",')]),
        C("jonas", "api: three replicas minimum",
          tweak=[("deploy/k8s/api.yaml", "  replicas: 2", "  replicas: 3")]),
        C("ines", "search: reindex may take an hour",
          tweak=[(M + "search/tasks.py", "time_limit=1800, soft_time_limit=1700",
                  "time_limit=3600, soft_time_limit=3300")]),
        C("ana", "catalog: trim descriptions",
          tweak=[(M + "catalog/service.py", "description=new.description, price_minor",
                  "description=new.description.strip(), price_minor")]),
        C("hiro", "search: signed feature hashing",
          tweak=[(M + "search/ranking.py", "sign = 1.0\n", "sign = 1.0 if digest[4] & 1 else -1.0\n")]),
        C("farid", "payments: one idempotency key per partial refund",
          tweak=[(M + "payments/service.py", 'f"refund-{payment_id}")',
                  'f"refund-{payment_id}-{row.refunded_minor + minor}")')]),
        C("grace", "search: pages of up to 100 results",
          tweak=[(M + "search/query.py", "MAX_PAGE_SIZE = 50", "MAX_PAGE_SIZE = 100"),
                 (M + "search/http.py", "Query(24, ge=1, le=50)", "Query(24, ge=1, le=100)")]),
        C("jonas", "shared: tests for allocation and event inheritance",
          grow=["tests/shared/test_money.py::test_allocate_never_loses_a_cent",
                "tests/shared/test_events.py::test_subclass_events_reach_base_subscribers"]),
        C("chloe", "orders: show 20 recent orders per buyer",
          tweak=[(M + "orders/service.py", "limit: int = 10)", "limit: int = 20)")]),
        C("jonas", "CI: coverage and JUnit report",
          tweak=[(".github/workflows/ci.yml", "      - run: pytest\n",
                  "      - run: pytest --cov=marketplace --cov-report=xml --junitxml=junit.xml\n")]),
        C("hiro", "search: decay popularity on every order",
          tweak=[(M + "search/tasks.py", "row.units_ordered = row.units_ordered + units",
                  "row.units_ordered = decay(row.units_ordered, row.last_order_at, now) + units")]),
    ],
}

LAYERED = {
    "start": "2024-02-05T09:30:00+01:00",
    "step_hours": 70,
    "authors": {
        "sofia": ("Sofia Lindqvist", "sofia@ledgerline.example"),
        "daniel": ("Daniel Okafor", "daniel@ledgerline.example"),
        "priya": ("Priya Raman", "priya@ledgerline.example"),
    },
    "commits": [
        C("sofia", "FastAPI skeleton: settings, database, API keys",
          add=["pyproject.toml", ".gitignore", ".env.example", "README.md", "crm/__init__.py",
               "crm/core/", "crm/models/__init__.py", "crm/models/base.py",
               "crm/schemas/__init__.py", "crm/schemas/common.py",
               "crm/repositories/__init__.py", "crm/repositories/base.py",
               "crm/services/__init__.py", "crm/api/__init__.py", "crm/api/deps.py",
               "tests/__init__.py", "tests/conftest.py"]),
        C("sofia", "Contacts: model, schema, repository, service, routes",
          add=["crm/models/contacts.py", "crm/schemas/contacts.py",
               "crm/repositories/contacts.py", "crm/services/contacts.py",
               "crm/api/v1/__init__.py", "crm/api/v1/contacts.py", "tests/test_contacts.py"]),
        C("sofia", "App factory, v1 router, health check",
          add=["crm/main.py", "crm/api/v1/router.py", "tests/test_app.py"]),
        C("daniel", "Deals pipeline",
          add=["crm/models/deals.py", "crm/schemas/deals.py", "crm/repositories/deals.py",
               "crm/services/deals.py", "crm/api/v1/deals.py", "tests/test_deals.py"]),
        C("priya", "CI: ruff and pytest on every push", add=[".github/"]),
        C("daniel", "Invoices for won deals",
          add=["crm/models/invoices.py", "crm/schemas/invoices.py",
               "crm/repositories/invoices.py", "crm/services/invoicing.py",
               "crm/api/v1/invoices.py", "tests/test_invoicing.py"]),
        C("priya", "Support inbox: tickets",
          add=["crm/models/tickets.py", "crm/schemas/tickets.py",
               "crm/repositories/tickets.py", "crm/services/tickets.py",
               "crm/api/v1/tickets.py", "tests/test_tickets.py"]),
        C("sofia", "Celery worker and beat schedule", add=["crm/worker.py", "crm/tasks/__init__.py"]),
        C("daniel", "Background jobs: stale deals, contact import",
          add=["crm/tasks/deals.py", "crm/tasks/contacts.py"]),
        C("priya", "Invoice reminders on the billing queue, ticket escalation",
          add=["crm/tasks/invoices.py", "crm/tasks/tickets.py"]),
        C("sofia", "Container image", add=["Dockerfile"]),
    ],
}

HISTORIES = {"bookshop": BOOKSHOP, "tangled": TANGLED, "marketplace": MARKETPLACE,
             "layered": LAYERED}


# --------------------------------------------------------------------------------------------
# Machinery
# --------------------------------------------------------------------------------------------

SpecError = codegen.SpecError


@dataclass
class Tweak:
    commit: int
    path: str
    old: str
    new: str


@dataclass
class FileState:
    path: str
    final: str
    added_at: int = -1
    held: dict[str, int] = field(default_factory=dict)  # def name -> commit that restores it
    tweaks: list[Tweak] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> [start, end) lines


def sample_files(root: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_NAMES)
        for name in sorted(filenames):
            if name.endswith(SKIP_SUFFIXES):
                continue
            path = Path(dirpath, name)
            rel = path.relative_to(root).as_posix()
            try:
                files[rel] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise SpecError(f"{rel}: only UTF-8 text files are supported") from exc
    return files


def def_spans(path: str, text: str) -> dict[str, tuple[int, int]]:
    """Line spans [start, end) (0-based) of top-level defs/classes, each including decorators,
    comment lines directly above it and the blank lines up to the next statement."""
    tree = ast.parse(text, filename=path)
    lines = text.splitlines(keepends=True)
    starts = []
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        while first > 0 and lines[first - 1].lstrip().startswith("#"):
            first -= 1
        starts.append(first)
    spans = {}
    for i, node in enumerate(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            end = starts[i + 1] if i + 1 < len(tree.body) else len(lines)
            spans[node.name] = (starts[i], end)
    return spans


def build_plan(name: str, spec: dict, files: dict[str, str]) -> tuple[list[dict], dict[str, FileState]]:
    commits = spec["commits"]
    states = {path: FileState(path, text) for path, text in files.items()}
    explicit = {p for c in commits for p in c["add"] if not p.endswith("/")}
    for i, commit in enumerate(commits):
        if commit["author"] not in spec["authors"]:
            raise SpecError(f"{name} commit {i}: unknown author {commit['author']!r}")
        commit["files"] = []
        for entry in commit["add"]:
            if entry.endswith("/"):
                matched = [p for p in files if p.startswith(entry) and p not in explicit
                           and states[p].added_at < 0]
            else:
                matched = [entry] if entry in files else []
            if not matched:
                raise SpecError(f"{name} commit {i}: {entry!r} matches no file (or all already added)")
            for path in matched:
                if states[path].added_at >= 0:
                    raise SpecError(f"{name}: {path} added twice")
                states[path].added_at = i
                commit["files"].append(path)
    missing = sorted(p for p, s in states.items() if s.added_at < 0)
    if missing:
        raise SpecError(f"{name}: files never added by the history: {missing}")

    for i, commit in enumerate(commits):
        for entry in commit["grow"]:
            path, sep, def_name = entry.partition("::")
            state = states.get(path)
            if not sep or state is None:
                raise SpecError(f"{name} commit {i}: bad grow entry {entry!r}")
            if not state.spans:
                state.spans = def_spans(path, state.final)
            if def_name not in state.spans:
                raise SpecError(f"{name} commit {i}: {path} has no top-level {def_name!r}")
            if def_name in state.held:
                raise SpecError(f"{name}: {entry} grown twice")
            if i <= state.added_at:
                raise SpecError(f"{name} commit {i}: {entry} grows before {path} is added")
            state.held[def_name] = i
        for path, old, new in commit["tweak"]:
            state = states.get(path)
            if state is None:
                raise SpecError(f"{name} commit {i}: tweak of unknown file {path}")
            if old.count("\n") != new.count("\n"):
                raise SpecError(f"{name} commit {i}: tweak must keep the line count ({path})")
            if i <= state.added_at:
                raise SpecError(f"{name} commit {i}: tweak of {path} before it is added")
            state.tweaks.append(Tweak(i, path, old, new))
    return commits, states


def content_at(state: FileState, index: int) -> str | None:
    """The file as of commit ``index`` (None: not yet added)."""
    if index < state.added_at:
        return None
    text = state.final
    for tweak in sorted((t for t in state.tweaks if t.commit > index), key=lambda t: -t.commit):
        if text.count(tweak.new) != 1:
            raise SpecError(f"{state.path}: tweak of commit {tweak.commit} expects exactly one "
                            f"{tweak.new!r}, found {text.count(tweak.new)}")
        position = text.index(tweak.new)
        line = text.count("\n", 0, position)
        for def_name, restored in state.held.items():
            start, end = state.spans[def_name]
            if restored > tweak.commit and start <= line < end:
                raise SpecError(f"{state.path}: tweak of commit {tweak.commit} is inside "
                                f"{def_name}, which only appears in commit {restored}")
        text = text[:position] + tweak.old + text[position + len(tweak.new):]
    hidden = [state.spans[n] for n, restored in state.held.items() if restored > index]
    if hidden:
        lines = text.splitlines(keepends=True)
        drop = {ln for start, end in hidden for ln in range(start, end)}
        text = "".join(line for ln, line in enumerate(lines) if ln not in drop).rstrip("\n") + "\n"
    return text


def commit_dates(spec: dict, count: int) -> list[str]:
    start = dt.datetime.fromisoformat(spec["start"])
    step = dt.timedelta(hours=spec["step_hours"])
    dates, when, previous = [], start, None
    for i in range(count):
        stamp = when + dt.timedelta(minutes=(i * 47) % 180)
        if stamp.weekday() >= 5:  # nobody commits at weekends: Monday morning instead
            stamp = (stamp + dt.timedelta(days=7 - stamp.weekday())).replace(hour=9, minute=(i * 13) % 60)
        if previous is not None and stamp <= previous:
            stamp = previous + dt.timedelta(minutes=23)
        dates.append(stamp.isoformat())
        previous = stamp
        when += step
    return dates


def git_env(target: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        "GIT_DIR": str(target / ".git"),
        "GIT_WORK_TREE": str(target),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
    })
    return env


GIT_OPTS = ["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false",
            "-c", "core.hooksPath=" + os.devnull, "-c", "user.useConfigOnly=false"]


def git(target: Path, env: dict[str, str], *args: str, extra_env: dict[str, str] | None = None) -> str:
    result = subprocess.run(["git", *GIT_OPTS, *args], cwd=target, env={**env, **(extra_env or {})},
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SpecError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


MARKER = "advisor-sample"  # in TARGET_DIR/.git: this script made the repository


def check_target(target: Path, name: str | None = None) -> None:
    """A new or empty directory outside this repository, or (``name`` given) one this script
    materialized the same sample into before, which is then replaced: so the README's first
    command can run twice."""
    repo_root = HERE.parent
    resolved = target.resolve()
    if resolved == repo_root or repo_root in resolved.parents:
        raise SpecError(f"{target} is inside {repo_root}; choose a directory outside this repository")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        marker = target / ".git" / MARKER
        if (name is None or target.is_symlink() or (target / ".git").is_symlink()
                or not marker.is_file() or marker.read_text(encoding="utf-8").strip() != name):
            raise SpecError(f"{target} exists and is not an empty directory (nor an earlier "
                            f"materialization of {name or 'this sample'}); choose a new one")
        shutil.rmtree(target)


def materialize(name: str, target: Path, quiet: bool = False, history: bool = True) -> int:
    if name not in HISTORIES:
        raise SpecError(f"unknown sample {name!r}; choose one of {', '.join(sorted(HISTORIES))}")
    source = HERE / name
    files = sample_files(source)
    spec = HISTORIES[name]
    if name == "marketplace":  # the hand-written core grown to full scale (codegen.py)
        files, spec = codegen.at_scale(files, spec)
    if not history:
        return write_tree(files, target, quiet)
    commits, states = build_plan(name, spec, files)
    for index in range(len(commits)):  # validate every state before touching the disk
        for state in states.values():
            content_at(state, index)
    check_target(target, name)
    dates = commit_dates(spec, len(commits))

    target.mkdir(parents=True, exist_ok=True)
    env = git_env(target)
    git(target, env, "init", "-q")
    (target / ".git" / MARKER).write_text(name + "\n", encoding="utf-8")
    stream = fast_import_stream(name, spec, commits, states, dates, source)
    done = subprocess.run(["git", *GIT_OPTS, "fast-import", "--quiet", "--done"], cwd=target,
                          env=env, input=stream, capture_output=True)
    if done.returncode != 0:
        raise SpecError(f"git fast-import failed: {done.stderr.decode(errors='replace').strip()}")
    for path, text in files.items():  # the working tree is the last commit
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8", newline="")
        if os.access(source / path, os.X_OK):
            out.chmod(0o755)
    git(target, env, "reset", "-q")
    git(target, env, "update-index", "-q", "--refresh")

    for path, text in files.items():  # the last commit is the sample, byte for byte
        if (target / path).read_text(encoding="utf-8") != text:
            raise SpecError(f"internal error: {path} differs from the sample after the last commit")
    if not quiet:
        authors = sorted({spec["authors"][c["author"]][0] for c in commits})
        names = ", ".join(authors) if len(authors) <= 5 else f"{', '.join(authors[:3])} ..."
        print(f"{target}: {len(commits)} commits by {len(authors)} author(s) ({names}), "
              f"{len(files)} files")
    return len(commits)


def fast_import_stream(name: str, spec: dict, commits: list[dict], states: dict[str, FileState],
                       dates: list[str], source: Path) -> bytes:
    """The whole history as one ``git fast-import`` stream: one process instead of three git
    commands per commit (a 166-commit history in well under a second)."""
    chunks: list[bytes] = []
    written: dict[str, str] = {}

    def data(payload: bytes) -> None:
        chunks.append(b"data %d\n" % len(payload) + payload + b"\n")

    for index, commit in enumerate(commits):
        changed = []
        for path, state in states.items():
            text = content_at(state, index)
            if text is None or written.get(path) == text:
                continue
            written[path] = text
            changed.append((path, text))
        if not changed:
            raise SpecError(f"{name} commit {index} ({commit['message']!r}) changes nothing")
        author, email = spec["authors"][commit["author"]]
        when = dt.datetime.fromisoformat(dates[index])
        offset = when.utcoffset() or dt.timedelta()
        minutes = int(offset.total_seconds() // 60)
        stamp = (f"{int(when.timestamp())} {'+' if minutes >= 0 else '-'}"
                 f"{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}")
        who = f"{author} <{email}> {stamp}".encode()
        chunks.append(b"commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\n"
                      % (index + 1, who, who))
        data((commit["message"] + "\n").encode())
        if index:
            chunks.append(b"from :%d\n" % index)
        for path, text in changed:
            mode = b"100755" if os.access(source / path, os.X_OK) else b"100644"
            chunks.append(mode.join([b"M ", b" inline " + path.encode() + b"\n"]))
            data(text.encode())
        chunks.append(b"\n")
    chunks.append(b"done\n")
    return b"".join(chunks)


def write_tree(files: dict[str, str], target: Path, quiet: bool) -> int:
    """The sample's final files only, no git repository."""
    check_target(target)
    for path, text in files.items():
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8", newline="")
    if not quiet:
        print(f"{target}: {len(files)} files, no history")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="materialize.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="samples: " + ", ".join(sorted(HISTORIES)) + "\n\nexample:\n"
               "  python samples/materialize.py marketplace /tmp/marketplace\n"
               "  git -C /tmp/marketplace log --format='%an' | sort | uniq -c",
    )
    parser.add_argument("sample", nargs="?", metavar="SAMPLE_NAME", help="sample to materialize")
    parser.add_argument("target", nargs="?", metavar="TARGET_DIR",
                        help="new or empty directory outside this repository (an earlier "
                             "materialization of the same sample is replaced)")
    parser.add_argument("--list", action="store_true", help="list the samples and exit")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    parser.add_argument("--no-history", action="store_true",
                        help="write the sample's files only, without a git repository")
    args = parser.parse_args(argv)
    if args.list:
        for name, spec in HISTORIES.items():
            if name == "marketplace":
                spec = codegen.at_scale(sample_files(HERE / name), spec)[1]
            print(f"{name}: {len(spec['commits'])} commits by {len(spec['authors'])} author(s)")
        return 0
    if not args.sample or not args.target:
        parser.error("SAMPLE_NAME and TARGET_DIR are required (or use --list)")
    if shutil.which("git") is None:
        print("materialize.py: git is not on PATH", file=sys.stderr)
        return 2
    try:
        materialize(args.sample, Path(args.target), quiet=args.quiet,
                    history=not args.no_history)
    except SpecError as exc:
        print(f"materialize.py: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
