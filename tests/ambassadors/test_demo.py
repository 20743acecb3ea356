"""The ambassadors demo seed: a working programme to click through, created once."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management.base import OutputWrapper

from accounts import demo as accounts_demo
from ambassadors import demo
from ambassadors.models import Ambassador, Application, Cohort, Engagement, EngagementRequest
from tests.factories import UserFactory


@pytest.mark.django_db
def test_seed_creates_a_programme_once() -> None:
    UserFactory(email=accounts_demo.STAFF_EMAIL, is_programme_team=True)
    UserFactory(email=accounts_demo.MUTUAL_EMAIL)
    dana = UserFactory(email=accounts_demo.AMBASSADOR_EMAIL)
    output = io.StringIO()
    demo.seed(rng=random.Random("1:ambassadors"), size=10, stdout=OutputWrapper(output))
    current = Cohort.objects.get(name=demo.CURRENT_COHORT)
    assert current.ambassadors.count() == demo.AMBASSADOR_COUNT
    assert Ambassador.objects.get(user=dana).cohort == current
    statuses = set(Application.objects.filter(cohort__name=demo.NEXT_COHORT).values_list("status", flat=True))
    assert statuses == set(Application.Status.values)
    # Every appointed application has its ambassador record.
    assert not Application.objects.filter(status=Application.Status.APPOINTED, ambassador__isnull=True).exists()
    assert set(EngagementRequest.objects.values_list("status", flat=True)) >= {"open", "invited", "accepted", "held"}
    assert Engagement.objects.count() == 2
    assert Cohort.objects.get(name=demo.NEXT_COHORT).is_open_for_applications()
    assert "20 ambassadors" in output.getvalue()

    counts = (Ambassador.objects.count(), Application.objects.count(), EngagementRequest.objects.count())
    demo.seed(rng=random.Random("1:ambassadors"), size=10, stdout=OutputWrapper(io.StringIO()))
    assert (Ambassador.objects.count(), Application.objects.count(), EngagementRequest.objects.count()) == counts
