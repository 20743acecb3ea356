"""The readiness check: one question per page with back links, check your answers, a result per topic with the
next step; nothing stored unless sent with a question or saved to a mutual's profile."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import Mutual, User
from information import readiness
from information.models import Enquiry, ReadinessResult
from tests.factories import topic
from tests.information.factories import ResourceFactory

pytestmark = pytest.mark.django_db

EARLY = dict.fromkeys((q.key for q in readiness.QUESTIONS), "no")
GAPS = {**{q.key: "yes" for q in readiness.QUESTIONS}, "pensions": "no", "tupe": "started"}
DONE = {q.key: "yes" for q in readiness.QUESTIONS}


def test_results_follow_the_answers() -> None:
    assert readiness.result(EARLY).next_step is readiness.NextStep.READ_GUIDE
    assert readiness.result(EARLY).guide_step == 2
    gaps = readiness.result(GAPS)
    assert gaps.next_step is readiness.NextStep.ASK_FOR_MENTOR
    assert gaps.topic_slugs_to_work_on == ["tupe-and-employment", "pensions"]
    people = readiness.result({**DONE, "people": "no", "commissioner": "started"})
    assert people.next_step is readiness.NextStep.TALK_TO_AMBASSADOR
    assert readiness.result(DONE).next_step is readiness.NextStep.CONTACT_SUPPORT
    with pytest.raises(ValueError, match="no answer"):
        readiness.result({"people": "yes"})
    assert readiness.clean({"people": "maybe", "evil": "x", "tupe": "no"}) == {"tupe": "no"}


def test_one_question_per_page_with_back_links_and_check_your_answers(client: Client) -> None:
    first, second = readiness.QUESTIONS[0], readiness.QUESTIONS[1]
    page = client.get(reverse("information:readiness_question", kwargs={"key": first.key})).content.decode()
    assert f'<h1 class="govuk-fieldset__heading">{first.text}</h1>' in page
    assert f'href="{reverse("information:readiness_start")}" class="govuk-back-link"' in page

    # No answer: the error summary, on the same page.
    empty = client.get(reverse("information:readiness_question", kwargs={"key": first.key}) + "?submitted=1")
    assert empty.status_code == 200 and "Select an answer" in empty.content.decode()

    answered = client.get(
        reverse("information:readiness_question", kwargs={"key": first.key}) + "?submitted=1&answer=yes"
    )
    assert answered["Location"] == reverse("information:readiness_question", kwargs={"key": second.key}) + "?people=yes"
    page = client.get(answered["Location"]).content.decode()
    assert 'name="people" value="yes"' in page  # carried in the form, not a session
    back = reverse("information:readiness_question", kwargs={"key": first.key}) + "?people=yes"
    assert f'href="{back}" class="govuk-back-link"' in page

    # Check your answers: every answer with a Change link that comes back here.
    check = client.get(reverse("information:readiness_check") + "?" + urlencode(GAPS)).content.decode()
    assert check.count(">Change<") == len(readiness.QUESTIONS)
    assert "change=1" in check
    # Incomplete answers go back to the first question without one.
    incomplete = client.get(reverse("information:readiness_check") + "?people=yes")
    assert incomplete["Location"].startswith(reverse("information:readiness_question", kwargs={"key": second.key}))


def test_the_result_lists_reading_per_topic_and_the_next_step_and_stores_nothing(client: Client) -> None:
    page = ResourceFactory(title="Fair Deal for pensions", topics=[topic("pensions")])
    response = client.get(reverse("information:readiness_result") + "?" + urlencode(GAPS))
    html = response.content.decode()
    assert "Pensions" in html and "Start here" in html
    assert reverse("information:resource_detail", kwargs={"slug": page.slug}) in html
    assert reverse("matching:request_create") + "?topic=tupe-and-employment&amp;topic=pensions" in html
    assert reverse("information:enquiry_create") + "?readiness=" in html
    assert not Session.objects.exists()
    assert not ReadinessResult.objects.exists()
    assert "sessionid" not in response.cookies


def test_answers_sent_with_a_question_are_kept_with_it(client: Client) -> None:
    url = reverse("information:enquiry_create") + "?" + urlencode({"readiness": urlencode(GAPS)})
    form = client.get(url).content.decode()
    assert "Your readiness check answers will be sent with your question" in form
    client.post(
        reverse("information:enquiry_create"),
        {
            "name": "Jo",
            "email": "jo@example.net",
            "role": "manager",
            "question": "Where next?",
            "reply_by": "email",
            "readiness": urlencode(GAPS),
        },
    )
    assert Enquiry.objects.get().readiness_answers == GAPS


def test_a_member_saves_the_check_to_the_mutuals_profile(member: User, mutual: Mutual, outsider: User) -> None:
    client = Client()
    client.force_login(member)
    result = client.get(reverse("information:readiness_result") + "?" + urlencode(GAPS)).content.decode()
    assert f"Save to the profile of {mutual.name}" in result
    response = client.post(reverse("information:readiness_save"), {**GAPS, "mutual": mutual.pk})
    assert response["Location"] == reverse("accounts:mutual_detail", kwargs={"slug": mutual.slug})
    saved = ReadinessResult.objects.get()
    assert (saved.mutual, saved.saved_by, saved.answers) == (mutual, member, GAPS)
    profile = client.get(response["Location"]).content.decode()
    assert "2 areas to work on" in profile

    # Someone else cannot save to that mutual (a 403 page for non-members), nor save half a check.
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.post(reverse("information:readiness_save"), {**GAPS, "mutual": mutual.pk}).status_code == 403
    client.post(reverse("information:readiness_save"), {"people": "yes", "mutual": mutual.pk})
    assert ReadinessResult.objects.count() == 1
