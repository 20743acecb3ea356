"""Ambassadors' profiles and photos, the public directory, and standing down."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.models import User
from ambassadors.models import Ambassador, EngagementInvitation, EngagementRequest
from ambassadors.photos import MAX_PHOTO_BYTES
from tests.ambassadors.factories import AmbassadorFactory, EngagementInvitationFactory
from tests.clients import ClientFor
from tests.factories import region, service_area, topic


def _image_bytes(image_format: str, size: tuple[int, int] = (40, 30), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCameraMaker"  # Make
        image.save(buffer, format=image_format, exif=data.tobytes())
    else:
        image.save(buffer, format=image_format)
    return buffer.getvalue()


def _profile_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "headline": "Chief executive of a care mutual",
        "organisation": "Riverside Care Mutual",
        "bio": "I spun out our service in 2015.",
        "service_areas": [service_area().pk],
        "region": region("london").pk,
        "topics": [topic().pk, topic("pensions").pk],
        "format": "remote",
        "engagements_per_quarter": "4",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_ambassador_edits_their_profile(ambassador: User, ambassador_record: Ambassador, client_for: ClientFor) -> None:
    response = client_for(ambassador).post(reverse("ambassadors:profile_edit"), _profile_data())
    assert response.status_code == 302
    ambassador_record.refresh_from_db()
    assert ambassador_record.region == region("london")
    assert ambassador_record.format == "remote"
    assert ambassador_record.engagements_per_quarter == 4
    assert ambassador_record.topics.count() == 2
    page = Client().get(reverse("ambassadors:profile", args=[ambassador_record.pk])).content.decode()
    assert "I spun out our service in 2015." in page


@pytest.mark.django_db
def test_profile_edit_links_to_volunteering_as_a_mentor(
    ambassador: User, ambassador_record: Ambassador, client_for: ClientFor
) -> None:
    page = client_for(ambassador).get(reverse("ambassadors:profile_edit")).content.decode()
    assert reverse("accounts:mentor_profile_create") in page


@pytest.mark.django_db
def test_only_ambassadors_edit_profiles(member: User, staff: User, client_for: ClientFor) -> None:
    for user in (member, staff):
        assert client_for(user).get(reverse("ambassadors:profile_edit")).status_code == 404
        assert client_for(user).post(reverse("ambassadors:profile_edit"), _profile_data()).status_code == 404
    assert not Ambassador.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_valid_photo_is_accepted_and_re_encoded(
    ambassador: User, ambassador_record: Ambassador, image_format: str, client_for: ClientFor
) -> None:
    upload = SimpleUploadedFile("me.img", _image_bytes(image_format, exif=True), content_type="image/png")
    response = client_for(ambassador).post(reverse("ambassadors:profile_edit"), _profile_data(photo=upload))
    assert response.status_code == 302
    ambassador_record.refresh_from_db()
    assert ambassador_record.photo
    extension = {"PNG": ".png", "JPEG": ".jpg"}[image_format]
    assert ambassador_record.photo.name.endswith(extension)
    with ambassador_record.photo.open("rb") as stored:
        data = stored.read()
    assert b"SecretCameraMaker" not in data
    with Image.open(io.BytesIO(data)) as saved:
        assert saved.format == image_format
        assert saved.size == (40, 30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.png", b"This is a text file pretending to be a PNG.\n" * 10, "must be a JPEG or PNG image"),
        ("anim.gif", _image_bytes("GIF"), "must be a JPEG or PNG image"),
        ("photo.bmp", _image_bytes("BMP"), "must be a JPEG or PNG image"),
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * MAX_PHOTO_BYTES, "must be 2 MB or smaller"),
        ("truncated.png", _image_bytes("PNG")[:60], "must be a JPEG or PNG image"),
    ],
)
def test_bad_photos_are_refused(
    ambassador: User, ambassador_record: Ambassador, name: str, content: bytes, message: str, client_for: ClientFor
) -> None:
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client_for(ambassador).post(reverse("ambassadors:profile_edit"), _profile_data(photo=upload))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "There is a problem" in body
    ambassador_record.refresh_from_db()
    assert not ambassador_record.photo
    assert ambassador_record.region == region()  # nothing saved


@pytest.mark.django_db
def test_photo_can_be_removed(ambassador: User, ambassador_record: Ambassador, client_for: ClientFor) -> None:
    client = client_for(ambassador)
    upload = SimpleUploadedFile("me.png", _image_bytes("PNG"), content_type="image/png")
    client.post(reverse("ambassadors:profile_edit"), _profile_data(photo=upload))
    ambassador_record.refresh_from_db()
    assert ambassador_record.photo
    client.post(reverse("ambassadors:profile_edit"), _profile_data(remove_photo="on"))
    ambassador_record.refresh_from_db()
    assert not ambassador_record.photo


@pytest.mark.django_db
def test_directory_filters_and_hides_stood_down_ambassadors() -> None:
    listed = AmbassadorFactory(user__full_name="Fiona Fire", service_areas=[service_area("fire-and-rescue")])
    AmbassadorFactory(user__full_name="Carl Care", service_areas=[service_area("adult-social-care")])
    AmbassadorFactory(user__full_name="Stella Stood", status=Ambassador.Status.STOOD_DOWN)
    client = Client()
    everyone = client.get(reverse("ambassadors:directory")).content.decode()
    assert "Fiona Fire" in everyone and "Carl Care" in everyone
    assert "Stella Stood" not in everyone
    filtered = client.get(
        reverse("ambassadors:directory"), {"service_area": service_area("fire-and-rescue").pk}
    ).content.decode()
    assert "Fiona Fire" in filtered and "Carl Care" not in filtered
    by_region = client.get(reverse("ambassadors:directory"), {"region": region("london").pk}).content.decode()
    assert "No ambassadors match these filters." in by_region
    by_topic = client.get(reverse("ambassadors:directory"), {"topic": topic().pk}).content.decode()
    assert "Fiona Fire" in by_topic
    # A bad filter value is reported, not a 500.
    assert client.get(reverse("ambassadors:directory"), {"region": "nonsense"}).status_code == 200
    assert client.get(reverse("ambassadors:profile", args=[listed.pk])).status_code == 200


@pytest.mark.django_db
def test_staff_stand_an_ambassador_down(staff: User, client_for: ClientFor) -> None:
    ambassador = AmbassadorFactory()
    invitation = EngagementInvitationFactory(ambassador=ambassador)
    client = client_for(staff)
    response = client.post(reverse("ambassadors:stand_down", args=[ambassador.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "Enter a reason" in response.content.decode()
    response = client.post(reverse("ambassadors:stand_down", args=[ambassador.pk]), {"reason": "Moved abroad"})
    assert response.status_code == 302
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.STOOD_DOWN
    assert ambassador.stood_down_by == staff and ambassador.stood_down_reason == "Moved abroad"
    invitation.refresh_from_db()
    assert invitation.status == EngagementInvitation.Status.CANCELLED
    assert EngagementRequest.objects.get(pk=invitation.request_id).status == EngagementRequest.Status.OPEN
    assert Client().get(reverse("ambassadors:profile", args=[ambassador.pk])).status_code == 404
    # The stood-down ambassador can no longer edit their profile.
    assert client_for(ambassador.user).get(reverse("ambassadors:profile_edit")).status_code == 404


@pytest.mark.django_db
def test_others_cannot_stand_an_ambassador_down(member: User, ambassador: User, client_for: ClientFor) -> None:
    target = AmbassadorFactory()
    for user in (member, ambassador):
        response = client_for(user).post(reverse("ambassadors:stand_down", args=[target.pk]), {"reason": "No"})
        assert response.status_code == 404
    target.refresh_from_db()
    assert target.is_active


@pytest.mark.django_db
def test_a_listed_ambassadors_photo_is_served_to_anyone(
    ambassador: User, ambassador_record: Ambassador, client_for: ClientFor
) -> None:
    upload = SimpleUploadedFile("me.png", _image_bytes("PNG"), content_type="image/png")
    client_for(ambassador).post(reverse("ambassadors:profile_edit"), _profile_data(photo=upload))
    url = reverse("ambassadors:photo", args=[ambassador_record.pk])

    profile_page = Client().get(reverse("ambassadors:profile", args=[ambassador_record.pk]))
    assert url in profile_page.content.decode()
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as served:
        assert served.format == "PNG"


@pytest.mark.django_db
def test_a_stood_down_ambassadors_photo_is_not_served(
    ambassador: User, ambassador_record: Ambassador, staff: User, client_for: ClientFor
) -> None:
    upload = SimpleUploadedFile("me.png", _image_bytes("PNG"), content_type="image/png")
    client_for(ambassador).post(reverse("ambassadors:profile_edit"), _profile_data(photo=upload))
    client_for(staff).post(reverse("ambassadors:stand_down", args=[ambassador_record.pk]), {"reason": "Moved on"})
    ambassador_record.refresh_from_db()
    assert ambassador_record.photo  # kept for the record, but no longer public

    assert Client().get(reverse("ambassadors:photo", args=[ambassador_record.pk])).status_code == 404


@pytest.mark.django_db
def test_directory_pages_keep_the_filters() -> None:
    fire = service_area("fire-and-rescue")
    AmbassadorFactory.create_batch(30, service_areas=[fire])
    client = Client()

    first = client.get(reverse("ambassadors:directory"), {"service_area": fire.pk}).content.decode()
    assert "30 ambassadors" in first
    assert f"?service_area={fire.pk}&amp;page=2" in first  # the next-page link keeps the filter

    second = client.get(reverse("ambassadors:directory"), {"service_area": fire.pk, "page": 2})
    assert second.status_code == 200
    assert len(second.context["page"].object_list) == 6
