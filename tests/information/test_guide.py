"""The guide: five steps from the taxonomy's stages, each with its tasks and guidance; the tasks staff-editable."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Stage
from information import services
from information.models import GuideTask, Resource
from information.selectors import GUIDE_RESOURCES_PER_STEP
from tests.factories import stage
from tests.information.factories import GuideTaskFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def test_the_guide_has_the_five_guide_stages_in_order(client: Client) -> None:
    html = client.get(reverse("information:guide")).content.decode()
    names = list(Stage.objects.filter(guide_step__isnull=False).order_by("guide_step").values_list("name", flat=True))
    assert len(names) == 5
    positions = [html.index(f"Step {number}:</span> {name}") for number, name in enumerate(names, start=1)]
    assert positions == sorted(positions)
    assert "Launched" not in html.split('class="app-step-nav"')[1].split("</ol>")[0]


def test_each_step_shows_its_tasks_and_links_to_its_guidance(client: Client) -> None:
    pages = [ResourceFactory(title=f"Plan page {n:02d}", stages=[stage("developing")]) for n in range(7)]
    ResourceFactory(title="Hidden draft", stages=[stage("developing")], status=Resource.Status.DRAFT)
    GuideTaskFactory(stage=stage("developing"), title="Write your business plan", resource=pages[0])
    html = client.get(reverse("information:guide")).content.decode()
    step = html.split('id="step-3"')[1].split('id="step-4"')[0]
    assert "Write your business plan" in step
    assert reverse("information:resource_detail", kwargs={"slug": pages[0].slug}) in step
    assert step.count("Plan page") == GUIDE_RESOURCES_PER_STEP
    assert "All 7 guidance pages for developing the plan" in step
    assert f"{reverse('information:resource_list')}?stage=developing" in step
    assert "Hidden draft" not in html


def test_staff_add_change_and_remove_tasks(staff_client: Client) -> None:
    response = staff_client.post(
        reverse("information:guide_task_create"),
        {"stage": stage("exploring").pk, "title": "Talk to colleagues", "order": 1, "link_url": ""},
    )
    assert response.status_code == 302
    task = GuideTask.objects.get()
    staff_client.post(
        reverse("information:guide_task_edit", kwargs={"pk": task.pk}),
        {"stage": stage("exploring").pk, "title": "Talk to your colleagues", "order": 1},
    )
    task.refresh_from_db()
    assert task.title == "Talk to your colleagues"
    staff_client.post(reverse("information:guide_task_delete", kwargs={"pk": task.pk}))
    assert not GuideTask.objects.exists()


def test_a_task_is_only_for_a_guide_step_and_links_one_way(staff_client: Client) -> None:
    response = staff_client.post(
        reverse("information:guide_task_create"),
        {"stage": stage("established").pk, "title": "Grow", "order": 1},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    with pytest.raises(services.InformationError, match="not both"):
        services.guide_task_create(
            data={"stage": stage("exploring"), "title": "x", "resource": ResourceFactory(), "link_url": "https://a.b"}
        )
