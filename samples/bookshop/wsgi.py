"""Entry point for `flask --app wsgi run` or a WSGI server."""

from bookshop import create_app

app = create_app()
