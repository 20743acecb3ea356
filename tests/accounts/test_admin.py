"""Django admin: every accounts model is registered, and its list, search, filters and change page work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    CodeOfConduct,
    ConductAcceptance,
    Membership,
    MentorProfile,
    Mutual,
    MutualInvitation,
    Region,
    ServiceArea,
    Stage,
    SupportTopic,
    User,
)
from tests.clients import ClientFor
from tests.conftest import enable_mfa
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    User,
    ServiceArea,
    Region,
    SupportTopic,
    Stage,
    Mutual,
    Membership,
    MutualInvitation,
    MentorProfile,
    CodeOfConduct,
    ConductAcceptance,
]


@pytest.fixture
def superuser_client(db: None, client_for: ClientFor) -> Client:
    superuser = UserFactory(email="root@example.org", is_staff=True, is_superuser=True, is_programme_team=True)
    enable_mfa(superuser)  # programme staff must have MFA before anything else works
    return client_for(superuser)


@pytest.fixture
def one_of_each(member: User, mentor_profile: MentorProfile) -> None:
    MutualInvitation.objects.create(
        mutual=member.mutuals.get(), email="x@example.org", expires_at=timezone.now() + timedelta(days=1)
    )


def test_every_accounts_model_is_registered() -> None:
    assert all(admin.site.is_registered(model) for model in MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_list_search_and_change_pages_load(superuser_client: Client, one_of_each: None, model: type) -> None:
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")

    assert superuser_client.get(changelist).status_code == 200
    assert superuser_client.get(changelist + "?q=example").status_code == 200
    instance = model._default_manager.first()
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])
    assert superuser_client.get(change).status_code == 200


def test_timestamps_and_vetting_fields_are_read_only() -> None:
    mentor_admin = admin.site._registry[MentorProfile]
    mutual_admin = admin.site._registry[Mutual]

    assert {"created_at", "updated_at", "status", "vetted_at", "active_mentees"} <= set(mentor_admin.readonly_fields)
    assert {"created_at", "updated_at", "listing_consent_at"} <= set(mutual_admin.readonly_fields)


def test_the_invitation_token_is_never_shown(superuser_client: Client, one_of_each: None) -> None:
    invitation = MutualInvitation.objects.get()

    page = superuser_client.get(reverse("admin:accounts_mutualinvitation_change", args=[invitation.pk]))

    assert invitation.token not in page.content.decode()


@pytest.mark.parametrize("persona", ["member", "mentor", "staff", "outsider"])
def test_people_without_admin_rights_cannot_get_in(persona_client, persona: str) -> None:  # type: ignore[no-untyped-def]
    response = persona_client(persona).get(reverse("admin:accounts_mutual_changelist"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]
