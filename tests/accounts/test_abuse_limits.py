"""One account cannot make the service email strangers or create mutuals without limit (issue 18, finding 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Mutual, MutualInvitation, User
from tests.accounts.helpers import mutual_form_data
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _old_account(**kwargs: object) -> User:
    return UserFactory(date_joined=timezone.now() - timedelta(days=services.NEW_ACCOUNT_DAYS + 1), **kwargs)


def test_an_account_can_send_only_so_many_invitations_a_day_across_all_its_mutuals(client_for) -> None:  # type: ignore[no-untyped-def]
    sender = _old_account()
    mutuals = [MembershipFactory(user=sender).mutual for _ in range(3)]
    for number in range(services.INVITATIONS_PER_SENDER_PER_DAY):
        services.invitation_send(
            mutual=mutuals[number % 3], invited_by=sender, email=f"invitee{number}@elsewhere.example"
        )
    response = client_for(sender).post(
        reverse("accounts:mutual_members", kwargs={"slug": mutuals[0].slug}), {"email": "one.more@example.org"}
    )
    assert response.status_code == 200
    assert "You have sent 20 invitations in the last 24 hours. Try again tomorrow." in response.content.decode()
    assert not MutualInvitation.objects.filter(email="one.more@example.org").exists()
    assert 'value="one.more@example.org"' in response.content.decode()  # what they typed is kept


def test_a_new_account_can_send_fewer(client_for) -> None:  # type: ignore[no-untyped-def]
    sender = UserFactory()  # joined just now
    mutual = MembershipFactory(user=sender).mutual
    for number in range(services.INVITATIONS_PER_NEW_ACCOUNT_PER_DAY):
        services.invitation_send(mutual=mutual, invited_by=sender, email=f"invitee{number}@elsewhere.example")
    with pytest.raises(services.AccountsError, match="the most a new account can send"):
        services.invitation_send(mutual=mutual, invited_by=sender, email="one.more@example.org")
    # The day after, they can send again.
    MutualInvitation.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    services.invitation_send(mutual=mutual, invited_by=sender, email="one.more@example.org")


def test_an_account_can_create_only_so_many_mutuals_a_day(client_for) -> None:  # type: ignore[no-untyped-def]
    user = _old_account()
    client = client_for(user)
    url = reverse("accounts:mutual_create")
    for number in range(services.MUTUALS_PER_ACCOUNT_PER_DAY):
        assert client.post(url, mutual_form_data(name=f"Mutual {number}")).status_code == 302
    response = client.post(url, mutual_form_data(name="ACTION REQUIRED: your NHS pension is suspended"))
    assert response.status_code == 200
    assert "You have created 2 mutuals in the last 24 hours" in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert Mutual.objects.filter(created_by=user).count() == services.MUTUALS_PER_ACCOUNT_PER_DAY
