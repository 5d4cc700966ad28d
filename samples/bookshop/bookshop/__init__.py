"""Bookshop: a small online bookstore (catalogue, basket, orders).

The application is built by :func:`create_app` so tests can create one per test with an
in-memory SQLite database.
"""

from __future__ import annotations

from flask import Flask, jsonify

from bookshop.config import Config, TestConfig
from bookshop.db import init_db, shutdown_session


def create_app(config: type[Config] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config or Config)

    init_db(app.config["DATABASE_URL"], echo=app.config.get("SQL_ECHO", False))
    app.teardown_appcontext(shutdown_session)

    from bookshop.routes import catalog_bp, orders_bp

    app.register_blueprint(catalog_bp, url_prefix="/books")
    app.register_blueprint(orders_bp, url_prefix="/orders")

    @app.errorhandler(404)
    def not_found(error):  # noqa: ARG001 - Flask passes the exception
        return jsonify({"error": "not found"}), 404

    @app.errorhandler(400)
    def bad_request(error):
        return jsonify({"error": str(getattr(error, "description", error))}), 400

    @app.get("/ping")
    def ping():
        return {"status": "ok"}

    return app


__all__ = ["create_app", "Config", "TestConfig"]
