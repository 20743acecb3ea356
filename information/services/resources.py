"""Guidance pages: written, published, unpublished and reviewed by the programme team, in the service itself."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from information.models import Resource
from information.search import refresh_search_vectors
from information.services.common import InformationError, free_slug

RESOURCE_FIELDS = ("title", "summary", "body", "document_url", "document_label", "source", "owner", "reviewed_on")
RESOURCE_MANY_FIELDS = ("topics", "stages", "service_areas")


def _apply(resource: Resource, data: Mapping[str, Any]) -> None:
    for name in RESOURCE_FIELDS:
        if name in data:
            setattr(resource, name, data[name])


def _set_many(resource: Resource, data: Mapping[str, Any]) -> None:
    for name in RESOURCE_MANY_FIELDS:
        if name in data:
            getattr(resource, name).set(data[name])


@transaction.atomic
def resource_create(*, author: User, data: Mapping[str, Any]) -> Resource:
    """A new guidance page, as a draft: nobody outside the programme team sees it until it is published."""
    resource = Resource(created_by=author, status=Resource.Status.DRAFT)
    _apply(resource, data)
    if not resource.body and not resource.document_url:
        raise InformationError("Write the page, or give a link to a document, or both.")
    resource.slug = free_slug(Resource, resource.title)
    resource.save()
    _set_many(resource, data)
    refresh_search_vectors([resource.pk])
    return resource


@transaction.atomic
def resource_update(*, resource: Resource, data: Mapping[str, Any]) -> Resource:
    """Change a page. A published page stays published: the change is live at once (preview it first)."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    _apply(resource, data)
    if not resource.body and not resource.document_url:
        raise InformationError("Write the page, or give a link to a document, or both.")
    resource.save()
    _set_many(resource, data)
    refresh_search_vectors([resource.pk])
    return resource


@transaction.atomic
def resource_publish(*, resource: Resource, actor: User) -> Resource:
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.status != Resource.Status.DRAFT:
        raise InformationError(f"“{resource.title}” is already published.")
    if not resource.topics.exists() or not resource.stages.exists():
        raise InformationError("Choose at least one topic and one stage before publishing, so people can find it.")
    resource.status = Resource.Status.PUBLISHED
    resource.published_at = timezone.now()
    resource.save(update_fields=["status", "published_at", "updated_at"])
    return resource


@transaction.atomic
def resource_unpublish(*, resource: Resource, actor: User) -> Resource:
    """Take a page off the public site. It goes back to being a draft; its address will work again once published."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.status != Resource.Status.PUBLISHED:
        raise InformationError(f"“{resource.title}” is not published.")
    resource.status = Resource.Status.DRAFT
    resource.save(update_fields=["status", "updated_at"])
    return resource


@transaction.atomic
def resource_mark_reviewed(*, resource: Resource, actor: User, on: date | None = None) -> Resource:
    """Record that the page was checked and is still right, which takes it off the list of pages due for review."""
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise InformationError("A review date cannot be in the future.")
    # Saved rather than updated in the database alone, so that the audit log records the review date before and after.
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    resource.reviewed_on = on
    resource.save(update_fields=["reviewed_on", "updated_at"])
    return resource
