from __future__ import annotations

import pytest

from matching import loading


@pytest.fixture(autouse=True)
def _fresh_mentor_table() -> None:
    # The encoded mentor table is cached per process; tests must not see another test's mentors.
    loading.forget_mentor_table()
