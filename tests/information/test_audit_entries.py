"""Each programme-team change in the information app leaves an audit entry with who, when, and before and after."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from information.models import Resource
from tests.audit import assert_staff_change_is_audited
from tests.clients import ClientFor
from tests.information.test_csrf_and_safe_methods import CHANGES, world  # noqa: F401 - world is the fixture used below

pytestmark = pytest.mark.django_db

STAFF_CHANGES = [change for change in CHANGES if change.who == "staff"]


@pytest.mark.parametrize("change", STAFF_CHANGES, ids=lambda change: change.url_name)
def test_a_staff_change_is_audited(world: SimpleNamespace, change: Any, client_for: ClientFor) -> None:  # noqa: F811
    # The world's draft was reviewed today: a review today again changes nothing, so the page was last reviewed earlier.
    Resource.objects.filter(pk=world.information.draft.pk).update(reviewed_on=date(2026, 1, 5))
    assert_staff_change_is_audited(world, change, client_for)
