"""The information service's demo content: what the issue asks for, deterministic and idempotent."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management.base import OutputWrapper

from information import demo
from information.models import CaseStudy, Enquiry, EnquiryReply, GuideTask, Resource

pytestmark = pytest.mark.django_db


def _seed(seed: int = 1) -> str:
    out = io.StringIO()
    demo.seed(rng=random.Random(seed), size=10, stdout=OutputWrapper(out))
    return out.getvalue()


def test_the_demo_has_a_living_service_and_a_second_run_adds_nothing() -> None:
    assert "created 30 guidance pages, 19 guide tasks, 6 case studies and 20 enquiries" in _seed()
    assert Resource.objects.count() == 30
    assert Resource.objects.filter(status="draft").exists() and Resource.objects.filter(status="published").count() > 20
    assert GuideTask.objects.values("stage").distinct().count() == 5
    assert CaseStudy.objects.filter(status="published").count() == 5
    assert not CaseStudy.objects.filter(status="published", consent_recorded_at__isnull=True).exists()
    statuses = set(Enquiry.objects.values_list("status", flat=True))
    assert statuses == {"new", "in_progress", "answered", "closed"}
    assert Enquiry.objects.filter(kind="feedback").count() == 2
    assert EnquiryReply.objects.exists()
    assert any(enquiry.is_overdue() for enquiry in Enquiry.objects.all())

    counts = (Resource.objects.count(), GuideTask.objects.count(), CaseStudy.objects.count(), Enquiry.objects.count())
    assert "nothing added" in _seed()
    assert counts == (
        Resource.objects.count(),
        GuideTask.objects.count(),
        CaseStudy.objects.count(),
        Enquiry.objects.count(),
    )


def test_the_same_seed_gives_the_same_enquiries() -> None:
    _seed(7)
    first = list(Enquiry.objects.order_by("email").values_list("reference", "name", "organisation"))
    Enquiry.objects.all().delete()
    _seed(7)
    assert list(Enquiry.objects.order_by("email").values_list("reference", "name", "organisation")) == first
