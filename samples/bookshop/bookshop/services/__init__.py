"""Business logic, kept out of the Flask views so it can be tested directly."""
