"""Demo data for matching: open mentoring requests for the demo mutuals, then a full rematch so they have suggestions.

Called by `manage.py seed_demo` after the accounts seed. Deterministic for a seed and idempotent: a demo mutual is
found by its stable key (the email of its first member) and gets requests only if it has none, so a second run adds
nothing. Requests are written with bulk_create (topics through their through model) so `--size 10000` stays fast.

About nine in ten mutuals ask for a mentor and about one in ten of those asks twice, so a demo of size N has about
N open requests (the matching benchmark runs `rematch --full` over N requests and N mentors).
Finally the demo mentor (MENTOR_EMAIL) is sent an introduction, so the mentor login has something to answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.core.management.base import OutputWrapper
from django.db import transaction

from accounts.demo import MENTOR_EMAIL, MUTUAL_EMAIL, first_member_email
from accounts.models import Membership, MentorProfile, Mutual, Stage, SupportTopic, User
from matching import services
from matching.models import MatchRun, MentoringRequest, Suggestion

BATCH_SIZE = 1000
ASKING_SHARE = 0.9
SECOND_REQUEST_SHARE = 0.11

# What mutuals at each stage most often ask about (topic slugs), most likely first.
STAGE_TOPICS: dict[str, list[str]] = {
    "exploring": ["business-planning", "legal-form-and-governance", "stakeholder-and-staff-engagement", "leadership"],
    "building-support": ["stakeholder-and-staff-engagement", "leadership", "business-planning"],
    "developing": [
        "tupe-and-employment",
        "pensions",
        "legal-form-and-governance",
        "finance-and-investment",
        "procurement-and-commissioning",
    ],
    "preparing": ["tupe-and-employment", "pensions", "procurement-and-commissioning", "back-office-support", "tax"],
    "spinning-out": ["tupe-and-employment", "pensions", "hr", "back-office-support"],
    "recently-spun-out": ["back-office-support", "bid-writing", "hr", "finance-and-investment", "tax"],
    "established": ["social-value", "bid-writing", "marketing", "leadership", "procurement-and-commissioning"],
}

# A title and a sentence for each topic; the description joins the sentences of the request's topics.
TOPIC_TEXT: dict[str, tuple[str, str]] = {
    "business-planning": (
        "A business plan our commissioners will back",
        "We need a five-year business plan that shows the council we can run the service sustainably.",
    ),
    "legal-form-and-governance": (
        "Choosing our legal form and board",
        "We are weighing a community interest company against a community benefit society and need a board.",
    ),
    "tupe-and-employment": (
        "Help with our TUPE transfer",
        "About 200 staff will transfer under TUPE and we want to get consultation and terms right.",
    ),
    "pensions": (
        "Keeping staff in the pension scheme",
        "We want to stay an admitted body in the Local Government Pension Scheme and understand the risks.",
    ),
    "procurement-and-commissioning": (
        "Winning the contract when it is re-tendered",
        "Our contract comes up for re-procurement next year and we have never bid competitively.",
    ),
    "finance-and-investment": (
        "Raising working capital",
        "We need working capital for the first year and are unsure whether to seek a loan or social investment.",
    ),
    "tax": (
        "VAT and corporation tax after spin-out",
        "We need to understand VAT on our services and charitable relief.",
    ),
    "back-office-support": (
        "Running our own back office",
        "The council ran our payroll, IT and finance systems and we have to replace them within a year.",
    ),
    "stakeholder-and-staff-engagement": (
        "Bringing staff and service users with us",
        "Staff are anxious about leaving the council and we want them to help shape the mutual.",
    ),
    "social-value": (
        "Showing our social value",
        "Commissioners ask for evidence of social value and we do not measure it yet.",
    ),
    "leadership": (
        "Leading an employee-owned organisation",
        "Our managers come from the council and want to lead in a way that fits employee ownership.",
    ),
    "bid-writing": ("Writing stronger bids", "We are bidding for grants and contracts and keep coming second."),
    "marketing": ("Telling our story", "We want a brand and a website that explain what a public service mutual is."),
    "hr": ("Setting up HR", "We need HR policies, a people strategy and an HR system of our own."),
}

FORMAT_WEIGHTS = [
    (MentoringRequest.Format.EITHER, 5),
    (MentoringRequest.Format.REMOTE, 3),
    (MentoringRequest.Format.IN_PERSON, 2),
]
URGENCIES = [MentoringRequest.Urgency.SOON, MentoringRequest.Urgency.QUARTER, MentoringRequest.Urgency.FLEXIBLE]


@dataclass
class RequestPlan:
    request: MentoringRequest
    topic_ids: list[int]


def seed(*, rng: random.Random, size: int, stdout: OutputWrapper) -> None:
    base = rng.getrandbits(64)  # each mutual draws from its own stream, so larger sizes extend smaller ones
    mutual_by_email = dict(
        Membership.objects.filter(user__email__in=[first_member_email(index) for index in range(size)]).values_list(
            "user__email", "mutual_id"
        )
    )
    already = set(
        MentoringRequest.objects.filter(mutual_id__in=mutual_by_email.values()).values_list("mutual_id", flat=True)
    )
    topics = {topic.slug: topic.pk for topic in SupportTopic.objects.filter(is_active=True)}
    stage_slugs = dict(Stage.objects.values_list("id", "slug"))
    mutuals = Mutual.objects.in_bulk([mutual_id for mutual_id in mutual_by_email.values() if mutual_id not in already])
    areas_by_mutual: dict[int, list[int]] = {}
    for mutual_id, area_id in Mutual.service_areas.through.objects.filter(mutual_id__in=list(mutuals)).values_list(
        "mutual_id", "servicearea_id"
    ):
        areas_by_mutual.setdefault(mutual_id, []).append(area_id)

    plans: list[RequestPlan] = []
    for index in range(size):
        mutual = mutuals.get(mutual_by_email.get(first_member_email(index), 0))
        if mutual is None or not areas_by_mutual.get(mutual.pk):
            continue
        mutual_rng = random.Random(f"{base}:{index}")
        asks = index == 0 or mutual_rng.random() < ASKING_SHARE
        if not asks:
            continue
        count = 2 if index != 0 and mutual_rng.random() < SECOND_REQUEST_SHARE else 1
        for _ in range(count):
            plans.append(_plan(mutual_rng, mutual, areas_by_mutual[mutual.pk], stage_slugs, topics, index == 0))

    with transaction.atomic():
        created = MentoringRequest.objects.bulk_create([plan.request for plan in plans], batch_size=BATCH_SIZE)
        through = MentoringRequest.topics.through
        through.objects.bulk_create(
            [
                through(mentoringrequest_id=request.pk, supporttopic_id=topic_id)
                for request, plan in zip(created, plans, strict=True)
                for topic_id in plan.topic_ids
            ],
            batch_size=BATCH_SIZE,
        )
    stdout.write(f"matching: {len(created)} open mentoring requests")
    if not created:
        return
    run = services.rematch_full(source=MatchRun.Source.COMMAND, tell_mutuals=False)
    stdout.write(
        f"matching: full rematch {run.get_status_display().lower()}: {run.suggestion_count} suggestions "
        f"for {run.request_count} requests in {sum(run.timings.values()):.1f}s"
    )
    _introduce_demo_mentor(stdout)


def _plan(
    rng: random.Random,
    mutual: Mutual,
    area_ids: list[int],
    stage_slugs: dict[int, str],
    topics: dict[str, int],
    is_demo_mutual: bool,
) -> RequestPlan:
    if is_demo_mutual:
        slugs = ["tupe-and-employment", "pensions"]
    else:
        likely = [slug for slug in STAGE_TOPICS.get(stage_slugs.get(mutual.stage_id, ""), []) if slug in topics]
        pool = likely + [slug for slug in topics if slug not in likely]
        weights = [6] * len(likely) + [1] * (len(pool) - len(likely))
        slugs = []
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            slug = rng.choices(pool, weights=weights)[0]
            if slug not in slugs:
                slugs.append(slug)
    slugs = [slug for slug in slugs if slug in topics] or [next(iter(topics))]
    title, _ = TOPIC_TEXT.get(slugs[0], (f"Help with {slugs[0].replace('-', ' ')}", ""))
    description = " ".join(TOPIC_TEXT[slug][1] for slug in slugs if slug in TOPIC_TEXT) or "We would value advice."
    request = MentoringRequest(
        mutual=mutual,
        created_by_id=mutual.created_by_id,
        title=title,
        service_area_id=area_ids[0] if is_demo_mutual else rng.choice(area_ids),
        format=MentoringRequest.Format.EITHER
        if is_demo_mutual
        else rng.choices([f for f, _ in FORMAT_WEIGHTS], weights=[w for _, w in FORMAT_WEIGHTS])[0],
        urgency=rng.choice(URGENCIES),
        description=description,
    )
    return RequestPlan(request=request, topic_ids=[topics[slug] for slug in slugs])


def _introduce_demo_mentor(stdout: OutputWrapper) -> None:
    """The demo mentor gets an introduction to answer: from the demo mutual if the engine suggests them there,
    otherwise from the mutual that ranks them highest."""
    mentor = MentorProfile.objects.filter(user__email=MENTOR_EMAIL).first()
    if mentor is None:
        return
    suggestions = Suggestion.objects.filter(
        mentor=mentor, state=Suggestion.State.CURRENT, request__status=MentoringRequest.Status.OPEN
    ).select_related("request")
    suggestion = (
        suggestions.filter(request__mutual__memberships__user__email=MUTUAL_EMAIL).first()
        or suggestions.order_by("rank", "request_id").first()
    )
    if suggestion is None:
        return
    member = User.objects.filter(memberships__mutual_id=suggestion.request.mutual_id).order_by("id").first()
    if member is None:
        return
    services.preferences_choose(request=suggestion.request, user=member, mentor_ids=[mentor.pk])
    stdout.write(f"matching: {member.email} chose {MENTOR_EMAIL} as mentor: an introduction is waiting for them")
