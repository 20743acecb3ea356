"""The low-severity findings of the hardening review (issue 18, finding 10), each with the test that found it."""

from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
from django.contrib.auth import hashers
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.models import Mutual, User
from accounts.text import clean_line, clean_text
from ambassadors.models import Ambassador
from ambassadors.photos import clean_photo
from messaging import services as messaging_services
from messaging.models import Message, Relationship
from tests.accounts.helpers import mutual_form_data
from tests.clients import ClientFor

RLO = "\u202e"


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG file that claims to be width x height (one compressed row of nothing): a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    pixels = zlib.compress(b"\x00" * (width + 1) * min(height, 1), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


class TestPhotos:
    def test_a_png_claiming_24_million_pixels_in_one_column_is_refused_before_decoding(self) -> None:
        upload = SimpleUploadedFile("bomb.png", _png_header_only(1, 24_000_000), content_type="image/png")
        started = time.perf_counter()
        with pytest.raises(ValidationError, match="too large"):
            clean_photo(upload)
        # Refused from the header: it used to be decoded (1.45 s, 412 MB) and accepted.
        assert time.perf_counter() - started < 1

    def test_a_jpeg_comment_does_not_survive_re_encoding(self) -> None:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), (10, 200, 30)).save(buffer, format="JPEG", comment=b"my home is 12 Acacia Road")
        assert b"Acacia" in buffer.getvalue()
        cleaned = clean_photo(SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg"))
        data = cleaned.read()
        assert b"Acacia" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert "comment" not in image.info

    @pytest.mark.django_db
    def test_a_photo_is_not_publicly_cacheable(self, ambassador: User, client_for: ClientFor) -> None:
        from tests.ambassadors.factories import make_ambassador

        record: Ambassador = make_ambassador(ambassador)
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30)).save(buffer, format="PNG")
        record.photo.save("x.png", clean_photo(SimpleUploadedFile("x.png", buffer.getvalue())))
        # Signed in, the response carries the session cookie: a shared cache must never keep it.
        response = client_for(ambassador).get(reverse("ambassadors:photo", args=[record.pk]))
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("private")
        response.close()


@pytest.mark.django_db
def test_a_nul_in_a_nomination_link_is_a_404_not_a_500() -> None:
    response = Client().get("/ambassadors/nominations/%00/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_sign_up_hashes_a_password_whether_or_not_the_address_has_an_account(member: User, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The answer took 20 ms for a taken address and 280 ms for a new one: password hashing told them apart."""
    hashed: list[str] = []
    hasher = hashers.get_hasher()
    original = type(hasher).encode

    def counting(self: object, password: str, salt: str, *args: object, **kwargs: object) -> str:
        hashed.append(password)
        return original(self, password, salt, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(type(hasher), "encode", counting)
    form = {"full_name": "Someone", "password1": "a-long-enough-password-1", "password2": "a-long-enough-password-1"}
    Client().post(reverse("account_signup"), {**form, "email": "brand.new@example.org"})
    for_new = len(hashed)
    hashed.clear()
    Client().post(reverse("account_signup"), {**form, "email": member.email})
    assert for_new >= 1
    assert len(hashed) == for_new


class TestInvisibleCharacters:
    def test_names_and_titles_lose_controls_and_bidi_overrides(self) -> None:
        assert clean_line(f"Alice{RLO}gnp.exe") == "Alicegnp.exe"
        assert clean_line("Bob\x00\x07 Smith\n") == "Bob Smith"
        assert clean_text(f"Line one\r\nLine{RLO} two\x1b") == "Line one\nLine two"

    @pytest.mark.django_db
    def test_they_are_removed_from_what_people_type(
        self, relationship: Relationship, mentor: User, member: User, client_for: ClientFor
    ) -> None:
        messaging_services.message_send(relationship=relationship, author=mentor, body=f"Hello{RLO} there\x00\nBob")
        assert Message.objects.get().body == "Hello there\nBob"
        client_for(member).post(reverse("accounts:mutual_create"), mutual_form_data(name=f"Evil{RLO}cod.exe Mutual"))
        assert Mutual.objects.filter(name="Evilcod.exe Mutual").exists()
        Client().post(
            reverse("account_signup"),
            {
                "full_name": f"Zoe{RLO}\x07 Doe",
                "email": "zoe@example.org",
                "password1": "a-long-enough-password-1",
                "password2": "a-long-enough-password-1",
            },
        )
        assert User.objects.get(email="zoe@example.org").full_name == "Zoe Doe"

    @pytest.mark.django_db
    def test_names_saved_before_are_cleaned_when_shown(self, member: User) -> None:
        User.objects.filter(pk=member.pk).update(full_name=f"Alice{RLO} Member")
        member.refresh_from_db()
        assert member.display_name == "Alice Member"
