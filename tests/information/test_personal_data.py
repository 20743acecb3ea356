"""Enquiries are personal data: in the export of, and deleted with, the account whose address sent them."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.personal_data import account_delete, personal_data_export
from information.models import Enquiry, EnquiryReply
from tests.information.factories import EnquiryFactory, EnquiryReplyFactory

pytestmark = pytest.mark.django_db


def test_enquiries_from_any_of_the_persons_addresses_are_exported_and_deleted(outsider: User) -> None:
    EmailAddress.objects.create(user=outsider, email="charlie.work@example.net", verified=True)
    first = EnquiryFactory(email="Charlie@Example.org", question="First question")
    EnquiryReplyFactory(enquiry=first, body="Our answer")
    EnquiryFactory(email="charlie.work@example.net", question="Second question")
    someone_else = EnquiryFactory(email="dana@example.net")

    exported = personal_data_export(user=outsider)["enquiries"]
    assert [item["question"] for item in exported] == ["First question", "Second question"]
    assert exported[0]["replies"][0]["text"] == "Our answer"

    account_delete(user=outsider)
    assert list(Enquiry.objects.values_list("pk", flat=True)) == [someone_else.pk]
    assert not EnquiryReply.objects.exists()
