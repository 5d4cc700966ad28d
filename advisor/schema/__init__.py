"""Package data: ``assessment.schema.json``, the JSON Schema of the assessment document.

Read it through ``advisor.document_schema`` (``load_schema``, ``validate_document``); the
meaning of every field is in docs/assessment.md.
"""
