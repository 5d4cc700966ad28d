"""Data access: queries live here so services read as business rules."""
