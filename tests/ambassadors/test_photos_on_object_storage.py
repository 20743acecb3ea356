"""Ambassadors' photos in an S3-compatible bucket (issue 19): what every web host sees, served through our checks.

Against moto's S3 emulator started by the suite (tests/s3_emulator.py), never a real cloud.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.models import User
from ambassadors.models import Ambassador
from config.storage import FILESYSTEM, S3, media_storage
from tests.ambassadors.test_profiles import _image_bytes, _profile_data
from tests.clients import ClientFor
from tests.s3_emulator import S3Media

pytestmark = pytest.mark.django_db


def upload_photo(client: Client, image_format: str = "PNG") -> None:
    name = "me.png" if image_format == "PNG" else "me.jpg"
    upload = SimpleUploadedFile(name, _image_bytes(image_format), content_type=f"image/{image_format.lower()}")
    response = client.post(reverse("ambassadors:profile_edit"), _profile_data(photo=upload))
    assert response.status_code == 302


def test_a_photo_uploaded_goes_to_the_bucket_not_the_local_disk_and_is_served_from_it(
    s3_media: S3Media, ambassador: User, ambassador_record: Ambassador, client_for: ClientFor, settings
) -> None:  # type: ignore[no-untyped-def]
    upload_photo(client_for(ambassador))
    ambassador_record.refresh_from_db()

    assert s3_media.keys() == [ambassador_record.photo.name]
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.png"))
    response = Client().get(reverse("ambassadors:photo", args=[ambassador_record.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    stored = s3_media.client().get_object(Bucket=s3_media.bucket, Key=ambassador_record.photo.name)["Body"].read()
    assert b"".join(response.streaming_content) == stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG"


def test_objects_are_private_and_carry_no_signed_link(
    s3_media: S3Media, ambassador: User, ambassador_record: Ambassador, client_for: ClientFor
) -> None:
    upload_photo(client_for(ambassador))
    ambassador_record.refresh_from_db()

    grants = s3_media.client().get_object_acl(Bucket=s3_media.bucket, Key=ambassador_record.photo.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner only: nobody else may read
    assert all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)
    # Pages link to the application's view, never to the bucket, and a storage URL would carry no signature.
    page = Client().get(reverse("ambassadors:profile", args=[ambassador_record.pk])).content.decode()
    assert reverse("ambassadors:photo", args=[ambassador_record.pk]) in page
    assert s3_media.endpoint not in page
    assert "Signature" not in default_storage.url(ambassador_record.photo.name)


def test_replacing_a_photo_deletes_the_old_object(
    s3_media: S3Media,
    ambassador: User,
    ambassador_record: Ambassador,
    client_for: ClientFor,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(ambassador)
    with django_capture_on_commit_callbacks(execute=True):
        upload_photo(client)
    with django_capture_on_commit_callbacks(execute=True):
        upload_photo(client, "JPEG")
    ambassador_record.refresh_from_db()

    assert s3_media.keys() == [ambassador_record.photo.name]
    assert ambassador_record.photo.name.endswith(".jpg")


def test_a_stood_down_ambassadors_photo_stays_in_the_bucket_but_is_not_served(
    s3_media: S3Media, ambassador: User, ambassador_record: Ambassador, staff: User, client_for: ClientFor
) -> None:
    upload_photo(client_for(ambassador))
    client_for(staff).post(reverse("ambassadors:stand_down", args=[ambassador_record.pk]), {"reason": "Moved on"})
    ambassador_record.refresh_from_db()

    assert s3_media.keys() == [ambassador_record.photo.name]
    assert Client().get(reverse("ambassadors:photo", args=[ambassador_record.pk])).status_code == 404


def test_local_files_unless_a_bucket_is_configured() -> None:
    assert media_storage(bucket="") == {"BACKEND": FILESYSTEM}
    configured = media_storage(
        bucket="mutuals-media", region="eu-west-2", endpoint_url="", access_key="", secret_key="", prefix="/media/"
    )
    assert configured["BACKEND"] == S3
    assert configured["OPTIONS"] == {
        "bucket_name": "mutuals-media",
        "region_name": "eu-west-2",
        "default_acl": "private",
        "querystring_auth": False,
        "file_overwrite": False,
        "location": "media",
        "signature_version": "s3v4",
    }


def test_deleting_the_account_deletes_the_photo_from_the_bucket(
    s3_media: S3Media,
    ambassador: User,
    ambassador_record: Ambassador,
    client_for: ClientFor,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    from accounts.personal_data import account_delete

    upload_photo(client_for(ambassador))
    assert len(s3_media.keys()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=ambassador)

    assert s3_media.keys() == []
