"""Where uploaded files (ambassadors' photos) are kept: local files, or an S3-compatible bucket shared by every host.

Local files under MEDIA_ROOT when MEDIA_BUCKET is not set, so `make run` needs nothing new. With several web hosts
each would have its own MEDIA_ROOT, and a photo uploaded through one would be missing on the others: set MEDIA_BUCKET
(and the endpoint, region and keys of an S3-compatible service) to keep them in a bucket through django-storages.

Objects are private (ACL "private") and their URLs unsigned: nothing links to the bucket. Files are served by the
application's own views, which check who may see them (ambassadors/views/public.py: photo), and read them through
Django's default storage, wherever it is.
"""

from __future__ import annotations

from typing import Any

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"


def media_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    addressing_style: str = "",
    prefix: str = "",
) -> dict[str, Any]:
    """The STORAGES["default"] entry. Keys left empty come from boto3's usual chain (AWS_ACCESS_KEY_ID, an instance
    role ...); an empty endpoint means AWS itself; "path" addressing suits MinIO and other self-hosted services."""
    if not bucket:
        return {"BACKEND": FILESYSTEM}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "default_acl": "private",
        "querystring_auth": False,
        # Two uploads with the same name must not replace each other's file: Django adds a suffix instead.
        "file_overwrite": False,
        "location": prefix.strip("/"),
        "signature_version": "s3v4",
    }
    optional = {
        "endpoint_url": endpoint_url,
        "region_name": region,
        "access_key": access_key,
        "secret_key": secret_key,
        "addressing_style": addressing_style,
    }
    options.update({name: value for name, value in optional.items() if value})
    return {"BACKEND": S3, "OPTIONS": options}
