"""What the dashboard shows from matching: a member's requests, a mentor's waiting introductions, the queue for
programme staff, and none of these to someone with no role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from matching.models import Introduction
from tests.clients import ClientFor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_dashboard_sections(
    member: User, mentor: User, staff: User, introduction: Introduction, client_for: ClientFor
) -> None:
    member_page = client_for(member).get(reverse("accounts:dashboard")).content.decode()
    assert "Your requests for a mentor" in member_page and "Help with our TUPE transfer" in member_page
    mentor_page = client_for(mentor).get(reverse("accounts:dashboard")).content.decode()
    assert "Introductions waiting for you" in mentor_page
    assert reverse("matching:introduction_detail", kwargs={"pk": introduction.pk}) in mentor_page
    staff_page = client_for(staff).get(reverse("accounts:dashboard")).content.decode()
    assert "Requests needing attention" in staff_page
    outsider_page = client_for(UserFactory()).get(reverse("accounts:dashboard")).content.decode()
    assert "Your requests for a mentor" not in outsider_page
    assert "Introductions waiting for you" not in outsider_page
