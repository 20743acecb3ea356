"""A PersonQuery compiles its question once and answers it for whoever asks (accounts/prepared.py): each person
gets their own row, never the stand-in's or the previous person's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, User
from accounts.prepared import PersonQuery
from notifications.models import Notice
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _question(person: User):  # type: ignore[no-untyped-def]
    return User.objects.filter(pk=person.pk).values(
        "email",
        member=Exists(Membership.objects.filter(user=OuterRef("pk"))),
        notice_count=Count("notices", distinct=True),
    )


def test_each_person_gets_their_own_row_from_sql_compiled_once() -> None:
    member = MembershipFactory().user
    other = UserFactory()
    Notice.objects.create(user=other, event="one", kind="info")
    Notice.objects.create(user=other, event="two", kind="info")
    built: list[int] = []
    question = PersonQuery(lambda person: built.append(person.pk) or _question(person))

    first = question.row(member)
    with CaptureQueriesContext(connection) as queries:
        second = question.row(other)
        again = question.row(member)

    assert first == again
    assert first is not None and second is not None
    assert (first["email"], bool(first["member"]), first["notice_count"]) == (member.email, True, 0)
    assert (second["email"], bool(second["member"]), second["notice_count"]) == (other.email, False, 2)
    assert len(queries) == 2
    assert len(built) == 1 and built[0] not in (member.pk, other.pk)  # built once, for the stand-in


def test_someone_not_in_the_database_has_no_row() -> None:
    assert PersonQuery(_question).row(User(pk=987_654_321)) is None


def test_a_question_that_does_not_depend_on_the_person_is_refused() -> None:
    question = PersonQuery(lambda person: User.objects.filter(is_active=True).values("email"))
    with pytest.raises(ValueError, match="does not depend on the person"):
        question.row(UserFactory())
