"""What the relationships app does when a lower app reports an event."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.urls import reverse

from matching.models import Introduction
from matching.signals import introduction_accepted
from messaging import services


@receiver(introduction_accepted, dispatch_uid="messaging.start_relationship")
def start_relationship(sender: Any, introduction: Introduction, user: Any, **kwargs: Any) -> str:
    """A mentor accepted: the relationship starts (in the same transaction). The mentor goes to it next."""
    relationship = services.relationship_start(introduction=introduction, user=user)
    return reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk})
