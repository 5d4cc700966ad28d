"""The documents the report tests render: written by the real CLI once per session."""

from __future__ import annotations

import pytest

from tests.unit.reports.documents import Documents, real_documents


@pytest.fixture(scope="session")
def documents(tmp_path_factory) -> Documents:
    return real_documents(tmp_path_factory)
