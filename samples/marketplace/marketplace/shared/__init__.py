"""Shared kernel: ids, money, the event bus and database plumbing. Depends on no domain."""
