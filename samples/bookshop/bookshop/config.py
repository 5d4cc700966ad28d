"""Configuration classes, picked by create_app()."""

from __future__ import annotations


class Config:
    SECRET_KEY = "change-me-in-production"
    DATABASE_URL = "sqlite:///bookshop.db"
    SQL_ECHO = False
    JSON_SORT_KEYS = False


class TestConfig(Config):
    TESTING = True
    DATABASE_URL = "sqlite:///:memory:"
