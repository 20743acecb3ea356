"""Inviting colleagues to a mutual, accepting, withdrawing, purging; and leaving a mutual."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services, tasks
from accounts.models import Membership, Mutual, MutualInvitation, User
from notifications.tasks import send_email
from tests.accounts.factories import MutualInvitationFactory
from tests.accounts.helpers import assert_form_error
from tests.clients import ClientFor
from tests.factories import MembershipFactory, UserFactory
from tests.notifications.outbox import written

pytestmark = pytest.mark.django_db


def accept_url(invitation: MutualInvitation) -> str:
    return reverse("accounts:invitation_accept", kwargs={"token": invitation.token})


class TestSend:
    def test_member_invites_a_colleague_and_the_email_goes_after_commit(
        self, member: User, mutual: Mutual, settings, django_capture_on_commit_callbacks, client_for: ClientFor
    ) -> None:  # type: ignore[no-untyped-def]
        settings.SITE_URL = "https://mentoring.example.org"
        settings.INVITATION_VALID_DAYS = 10
        url = reverse("accounts:mutual_members", kwargs={"slug": mutual.slug})

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client_for(member).post(url, {"email": "  New.Colleague@Example.org "})
            assert len(mail.outbox) == 0  # nothing leaves before the transaction commits
        for callback in callbacks:
            callback()

        assert response.status_code == 302
        invitation = MutualInvitation.objects.get()
        assert invitation.email == "new.colleague@example.org"
        assert invitation.invited_by == member
        assert timedelta(days=9, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=10)
        assert len(callbacks) == 1
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["new.colleague@example.org"]
        # The mutual's name (typed by whoever created it) stays out of the subject: no phishing line from our address.
        assert message.subject == "You have been invited to join a mutual on Mutuals mentoring and ambassadors"
        assert mutual.name in message.body
        assert f"https://mentoring.example.org/invitations/{invitation.token}/" in message.body
        assert [email.status for email in written("mutual_invitation")] == ["sent"]

    def test_the_invitation_is_emailed_once_however_often_the_task_runs(self, member: User, mutual: Mutual) -> None:
        services.invitation_send(mutual=mutual, invited_by=member, email="colleague@example.org")
        [email] = written("mutual_invitation")

        assert send_email(email.pk) is True
        assert send_email(email.pk) is False
        assert len(mail.outbox) == 1

    @pytest.mark.parametrize(
        ("email", "message"),
        [
            ("", "Enter your colleague&#x27;s email address"),
            ("not-an-email", "Enter an email address in the correct format"),
            ("alice@example.org", "alice@example.org is already a member of"),
        ],
    )
    def test_bad_input_is_refused(
        self, member: User, mutual: Mutual, email: str, message: str, client_for: ClientFor
    ) -> None:
        response = client_for(member).post(
            reverse("accounts:mutual_members", kwargs={"slug": mutual.slug}), {"email": email}
        )

        assert_form_error(response, message)
        assert not MutualInvitation.objects.exists()

    def test_a_second_invitation_to_the_same_address_is_refused_while_one_waits(
        self, member: User, mutual: Mutual, client_for: ClientFor
    ) -> None:
        MutualInvitationFactory(mutual=mutual, email="waiting@example.org")

        response = client_for(member).post(
            reverse("accounts:mutual_members", kwargs={"slug": mutual.slug}), {"email": "Waiting@example.org"}
        )

        assert_form_error(response, "An invitation to waiting@example.org is already waiting")
        assert MutualInvitation.objects.count() == 1

    def test_a_mutual_can_send_only_so_many_invitations_a_day(
        self, member: User, mutual: Mutual, client_for: ClientFor
    ) -> None:
        MutualInvitationFactory.create_batch(services.INVITATIONS_PER_DAY, mutual=mutual)

        response = client_for(member).post(
            reverse("accounts:mutual_members", kwargs={"slug": mutual.slug}), {"email": "one.more@example.org"}
        )

        assert_form_error(response, "Try again tomorrow")
        assert not MutualInvitation.objects.filter(email="one.more@example.org").exists()

    def test_members_page_lists_members_and_waiting_invitations(
        self, member: User, mutual: Mutual, client_for: ClientFor
    ) -> None:
        MutualInvitationFactory(mutual=mutual, email="waiting@example.org")
        MutualInvitationFactory(mutual=mutual, email="gone@example.org", revoked_at=timezone.now())

        content = client_for(member).get(reverse("accounts:mutual_members", kwargs={"slug": mutual.slug})).content

        assert b"alice@example.org" in content
        assert b"waiting@example.org" in content
        assert b"gone@example.org" not in content


class TestAccept:
    def test_the_invited_person_joins(self, mutual: Mutual, client_for: ClientFor) -> None:
        invitee = UserFactory(email="new.colleague@example.org")
        invitation = MutualInvitationFactory(mutual=mutual, email="new.colleague@example.org")
        client = client_for(invitee)

        page = client.get(accept_url(invitation))
        assert page.status_code == 200
        assert mutual.name in page.content.decode()
        assert f"Join {mutual.name}" in page.content.decode()

        response = client.post(accept_url(invitation))

        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:mutual_detail", kwargs={"slug": mutual.slug})
        assert Membership.objects.filter(mutual=mutual, user=invitee).exists()
        invitation.refresh_from_db()
        assert invitation.accepted_by == invitee
        assert invitation.accepted_at is not None

    def test_the_address_match_ignores_case(self, mutual: Mutual, client_for: ClientFor) -> None:
        invitee = UserFactory(email="new.colleague@example.org")
        invitation = MutualInvitationFactory(mutual=mutual, email="New.Colleague@Example.ORG")

        client_for(invitee).post(accept_url(invitation))

        assert Membership.objects.filter(mutual=mutual, user=invitee).exists()

    @pytest.mark.parametrize(
        ("state", "message"),
        [
            ({"expires_at": timezone.now() - timedelta(minutes=1)}, "This invitation expired on"),
            ({"revoked_at": timezone.now()}, "This invitation was withdrawn"),
            ({"accepted_at": timezone.now()}, "This invitation has already been used"),
        ],
    )
    def test_unusable_invitations_explain_themselves(
        self, mutual: Mutual, state: dict[str, object], message: str, client_for: ClientFor
    ) -> None:
        invitee = UserFactory(email="new.colleague@example.org")
        invitation = MutualInvitationFactory(mutual=mutual, email="new.colleague@example.org", **state)
        client = client_for(invitee)

        page = client.get(accept_url(invitation))
        response = client.post(accept_url(invitation))

        for answer in (page, response):
            assert answer.status_code == 200
            assert message in answer.content.decode()
            assert "Join " + mutual.name not in answer.content.decode().split("</h1>", 1)[1]
        assert not Membership.objects.filter(mutual=mutual, user=invitee).exists()

    def test_a_used_link_cannot_be_used_again_by_someone_else(self, mutual: Mutual, client_for: ClientFor) -> None:
        first = UserFactory(email="new.colleague@example.org")
        invitation = MutualInvitationFactory(mutual=mutual, email="new.colleague@example.org")
        client_for(first).post(accept_url(invitation))

        second = UserFactory(email="someone.else@example.org")
        response = client_for(second).post(accept_url(invitation))

        assert "This invitation has already been used" in response.content.decode()
        assert not Membership.objects.filter(mutual=mutual, user=second).exists()

    def test_someone_else_holding_the_link_cannot_join(
        self, mutual: Mutual, outsider: User, client_for: ClientFor
    ) -> None:
        invitation = MutualInvitationFactory(mutual=mutual, email="new.colleague@example.org")

        response = client_for(outsider).post(accept_url(invitation))

        assert response.status_code == 200
        assert "This invitation was sent to new.colleague@example.org" in response.content.decode()
        assert not Membership.objects.filter(mutual=mutual, user=outsider).exists()
        invitation.refresh_from_db()
        assert invitation.accepted_at is None  # still usable by the right person

    def test_an_existing_member_is_told_and_the_invitation_stays_unused(
        self, member: User, mutual: Mutual, client_for: ClientFor
    ) -> None:
        invitation = MutualInvitationFactory(mutual=mutual, email=member.email)

        response = client_for(member).post(accept_url(invitation))

        assert response.status_code == 200
        assert f"You are already a member of {mutual.name}" in response.content.decode()
        assert Membership.objects.filter(mutual=mutual).count() == 1
        invitation.refresh_from_db()
        assert invitation.accepted_at is None

    def test_an_unknown_token_is_404(self, outsider: User, client_for: ClientFor) -> None:
        response = client_for(outsider).get(reverse("accounts:invitation_accept", kwargs={"token": "no-such-token"}))

        assert response.status_code == 404

    def test_anonymous_visitors_are_sent_to_sign_in_and_back(self, mutual: Mutual) -> None:
        invitation = MutualInvitationFactory(mutual=mutual)

        response = Client().get(accept_url(invitation))

        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/?next=/invitations/")


class TestRevoke:
    def test_member_withdraws_an_invitation_and_its_link_stops_working(
        self, member: User, mutual: Mutual, client_for: ClientFor
    ) -> None:
        invitation = MutualInvitationFactory(mutual=mutual, email="new.colleague@example.org")
        url = reverse("accounts:invitation_revoke", kwargs={"slug": mutual.slug, "invitation_id": invitation.pk})

        response = client_for(member).post(url)

        assert response.status_code == 302
        invitation.refresh_from_db()
        assert invitation.revoked_at is not None
        invitee = UserFactory(email="new.colleague@example.org")
        client_for(invitee).post(accept_url(invitation))
        assert not Membership.objects.filter(user=invitee).exists()

    def test_withdrawing_twice_changes_nothing_the_second_time(
        self, member: User, mutual: Mutual, client_for: ClientFor
    ) -> None:
        invitation = MutualInvitationFactory(mutual=mutual)
        url = reverse("accounts:invitation_revoke", kwargs={"slug": mutual.slug, "invitation_id": invitation.pk})
        client = client_for(member)
        client.post(url)
        invitation.refresh_from_db()
        first = invitation.revoked_at

        response = client.post(url, follow=True)

        assert "was already withdrawn" in response.content.decode()
        invitation.refresh_from_db()
        assert invitation.revoked_at == first

    def test_another_mutuals_invitation_is_404(
        self, member: User, mutual: Mutual, other_mutual: Mutual, client_for: ClientFor
    ) -> None:
        theirs = MutualInvitationFactory(mutual=other_mutual)
        client = client_for(member)

        via_their_slug = client.post(
            reverse("accounts:invitation_revoke", kwargs={"slug": other_mutual.slug, "invitation_id": theirs.pk})
        )
        via_our_slug = client.post(
            reverse("accounts:invitation_revoke", kwargs={"slug": mutual.slug, "invitation_id": theirs.pk})
        )

        assert via_their_slug.status_code == via_our_slug.status_code == 404
        theirs.refresh_from_db()
        assert theirs.revoked_at is None

    def test_get_does_not_revoke(self, member: User, mutual: Mutual, client_for: ClientFor) -> None:
        invitation = MutualInvitationFactory(mutual=mutual)
        url = reverse("accounts:invitation_revoke", kwargs={"slug": mutual.slug, "invitation_id": invitation.pk})

        assert client_for(member).get(url).status_code == 405
        invitation.refresh_from_db()
        assert invitation.revoked_at is None


class TestPurge:
    def test_only_long_expired_unaccepted_invitations_are_deleted(self, mutual: Mutual) -> None:
        long_ago = timezone.now() - services.INVITATION_RETENTION - timedelta(days=1)
        stale = MutualInvitationFactory(mutual=mutual, expires_at=long_ago)
        stale_revoked = MutualInvitationFactory(mutual=mutual, expires_at=long_ago, revoked_at=long_ago)
        accepted = MutualInvitationFactory(mutual=mutual, expires_at=long_ago, accepted_at=long_ago)
        recently_expired = MutualInvitationFactory(mutual=mutual, expires_at=timezone.now() - timedelta(days=1))
        waiting = MutualInvitationFactory(mutual=mutual)

        assert tasks.purge_expired_invitations() == 2
        assert tasks.purge_expired_invitations() == 0

        remaining = set(MutualInvitation.objects.values_list("pk", flat=True))
        assert remaining == {accepted.pk, recently_expired.pk, waiting.pk}
        assert stale.pk not in remaining and stale_revoked.pk not in remaining


class TestLeave:
    def test_a_member_leaves_when_someone_else_remains(
        self, member: User, mutual: Mutual, client_for: ClientFor
    ) -> None:
        MembershipFactory(mutual=mutual)

        response = client_for(member).post(
            reverse("accounts:membership_leave", kwargs={"slug": mutual.slug}), {"answer": "yes"}
        )

        assert response.status_code == 302
        assert not Membership.objects.filter(mutual=mutual, user=member).exists()
        assert Membership.objects.filter(mutual=mutual).count() == 1
        after = client_for(member).get(reverse("accounts:mutual_detail", kwargs={"slug": mutual.slug}))
        assert after.status_code == 404

    def test_the_last_member_cannot_leave(self, member: User, mutual: Mutual, client_for: ClientFor) -> None:
        response = client_for(member).post(
            reverse("accounts:membership_leave", kwargs={"slug": mutual.slug}), {"answer": "yes"}
        )

        assert_form_error(response, "You are the only member of")
        assert Membership.objects.filter(mutual=mutual, user=member).exists()

    def test_answering_no_keeps_the_membership(self, member: User, mutual: Mutual, client_for: ClientFor) -> None:
        MembershipFactory(mutual=mutual)

        response = client_for(member).post(
            reverse("accounts:membership_leave", kwargs={"slug": mutual.slug}), {"answer": "no"}
        )

        assert response.status_code == 302
        assert Membership.objects.filter(mutual=mutual, user=member).exists()

    @pytest.mark.parametrize("answer", ["", "maybe"])
    def test_no_answer_is_an_error(self, member: User, mutual: Mutual, answer: str, client_for: ClientFor) -> None:
        MembershipFactory(mutual=mutual)

        response = client_for(member).post(
            reverse("accounts:membership_leave", kwargs={"slug": mutual.slug}), {"answer": answer}
        )

        assert_form_error(response)
        assert Membership.objects.filter(mutual=mutual, user=member).exists()
