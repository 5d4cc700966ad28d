"""Cross-cutting plumbing: configuration, database session, security, errors, e-mail."""
