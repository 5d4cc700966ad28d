"""Orders: checkout and the order life cycle. Talks to catalog and payments through their APIs."""
