"""Request and response bodies (pydantic v2), one module per resource."""
