"""Each programme-team change in the messaging app leaves an audit entry with who, when, and before and after."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.audit import assert_staff_change_is_audited
from tests.clients import ClientFor
from tests.messaging.test_csrf_and_safe_methods import CHANGES, world  # noqa: F401 - world is the fixture used below

pytestmark = pytest.mark.django_db

STAFF_CHANGES = [change for change in CHANGES if change.who == "staff"]


@pytest.mark.parametrize("change", STAFF_CHANGES, ids=lambda change: change.url_name)
def test_a_staff_change_is_audited(world: SimpleNamespace, change: Any, client_for: ClientFor) -> None:  # noqa: F811
    assert_staff_change_is_audited(world, change, client_for)
