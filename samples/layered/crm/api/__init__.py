"""HTTP layer (FastAPI). Versioned routers live in ``crm.api.v1``."""
