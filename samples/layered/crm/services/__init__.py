"""Business rules, one module per area; services call each other, never the API layer."""
