"""Demo data for the information service. Called by `manage.py seed_demo` after accounts has seeded people.

The guide's tasks, about thirty guidance pages across topics and stages (most published, a few drafts, some due
for review), six case studies (one a draft waiting for consent) and twenty enquiries in every state of the triage
queue (new, some overdue, being worked on, answered with replies and invitations, closed, feedback).

Deterministic for a seed, and idempotent: guidance pages and case studies are keyed by slug, the guide's tasks are
added only to an empty guide, and the enquiries only when no demo enquiry exists (their senders' addresses are at
the demo domain). The amount does not grow with `size`: the service has one library, however many mutuals.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.management.base import OutputWrapper
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Region, ServiceArea, Stage, SupportTopic, User
from accounts.working_days import add_working_days
from information import search
from information.demo import resources as demo_resources
from information.demo import stories as demo_stories
from information.models import CaseStudy, Enquiry, EnquiryInvitation, EnquiryReply, GuideTask, Resource
from information.services.enquiries import new_reference

ENQUIRY_COUNT = 20
# (status, how many, overdue among them)
ENQUIRY_PLAN = [
    (Enquiry.Status.NEW, 6, 2),
    (Enquiry.Status.IN_PROGRESS, 4, 1),
    (Enquiry.Status.ANSWERED, 5, 0),
    (Enquiry.Status.CLOSED, 3, 0),
]
FEEDBACK_COUNT = ENQUIRY_COUNT - sum(count for _, count, _ in ENQUIRY_PLAN)
QUESTIONS = [
    ("Our council is looking at outsourcing our team. Could we bid to run it ourselves as a mutual?", "employee"),
    ("How does TUPE work if we spin out? Will staff keep their terms and conditions?", "employee"),
    ("What happens to our local government pensions if we become a community interest company?", "manager"),
    (
        "We commission adult social care and would like to understand the procurement options for a staff mutual.",
        "commissioner",
    ),
    ("I led a spin-out in community health and would be glad to mentor a team going through it.", "would_be_mentor"),
    ("Is there funding to help with legal advice while we choose a legal form?", "manager"),
    ("Could an ambassador speak at our staff conference about what it is like to work in a mutual?", "manager"),
    ("We are a library service thinking about becoming a mutual. Where should we start?", "employee"),
    ("How long does it usually take from the first idea to spinning out?", "other"),
    ("Do we need to register for VAT as a new mutual delivering a council contract?", "manager"),
]
REPLY = (
    "Thank you for your question. The short answer is yes: other teams have done this, and the guide to setting "
    "up a mutual explains the steps. I have added links to the guidance on the topic you asked about. Would a call "
    "next week help?"
)
ORGANISATIONS = [
    "Northshire County Council",
    "Thames Valley Libraries",
    "Riverside NHS Trust",
    "Wessex Probation Services",
    "",
]
FEEDBACK = [
    "The guide was really clear, thank you. It would help to have a printable version.",
    "I could not find guidance on VAT for charities.",
]


def _resources(rng: random.Random, staff: User | None) -> int:
    existing = set(Resource.objects.values_list("slug", flat=True))
    topics = {topic.slug: topic for topic in SupportTopic.objects.all()}
    stages = {stage.slug: stage for stage in Stage.objects.all()}
    areas = {area.slug: area for area in ServiceArea.objects.all()}
    today = timezone.localdate()
    created = []
    for index, item in enumerate(demo_resources.RESOURCES):
        if item.slug in existing:
            continue
        # Most pages were reviewed in the last year; every fifth is overdue, every seventh still a draft.
        days = rng.randint(400, 600) if index % 5 == 4 else rng.randint(10, 330)
        resource = Resource.objects.create(
            title=item.title,
            slug=item.slug,
            summary=item.summary,
            body=item.body,
            document_url=item.document_url,
            document_label=item.document,
            source=item.source,
            owner=staff,
            created_by=staff,
            reviewed_on=today - timedelta(days=days),
            status=Resource.Status.DRAFT if index % 7 == 6 else Resource.Status.PUBLISHED,
            published_at=None if index % 7 == 6 else timezone.now() - timedelta(days=days),
        )
        resource.topics.set([topics[slug] for slug in item.topics])
        resource.stages.set([stages[slug] for slug in item.stages])
        resource.service_areas.set([areas[slug] for slug in item.areas])
        created.append(resource.pk)
    search.refresh_search_vectors(created)
    return len(created)


def _guide_tasks() -> int:
    if GuideTask.objects.exists():
        return 0
    steps = {stage.guide_step: stage for stage in Stage.objects.filter(guide_step__isnull=False)}
    resources = {resource.slug: resource for resource in Resource.objects.all()}
    tasks = [
        GuideTask(stage=steps[step], title=title, description=description, resource=resources.get(slug), order=index)
        for index, (step, title, description, slug) in enumerate(demo_stories.GUIDE_TASKS)
    ]
    GuideTask.objects.bulk_create(tasks)
    return len(tasks)


def _case_studies(staff: User | None) -> int:
    existing = set(CaseStudy.objects.values_list("slug", flat=True))
    topics = {topic.slug: topic for topic in SupportTopic.objects.all()}
    now = timezone.now()
    count = 0
    for index, item in enumerate(demo_stories.CASE_STUDIES):
        if item.slug in existing:
            continue
        case_study = CaseStudy.objects.create(
            title=item.title,
            slug=item.slug,
            mutual_name=item.mutual_name,
            service_area=ServiceArea.objects.get(slug=item.area),
            region=Region.objects.get(slug=item.region),
            stage_reached=Stage.objects.get(slug=item.stage),
            summary=item.summary,
            story=item.story,
            what_helped=item.what_helped,
            created_by=staff,
            **(
                {
                    "status": CaseStudy.Status.PUBLISHED,
                    "published_at": now - timedelta(days=30 * (index + 1)),
                    "consent_given_by": f"The chief executive of {item.mutual_name}",
                    "consent_given_on": (now - timedelta(days=30 * (index + 1) + 7)).date(),
                    "consent_how": "By email, kept in the programme's case study folder",
                    "consent_recorded_by": staff,
                    "consent_recorded_at": now - timedelta(days=30 * (index + 1) + 6),
                }
                if item.published
                else {}
            ),
        )
        case_study.topics.set([topics[slug] for slug in item.topics])
        count += 1
    return count


def _enquiries(rng: random.Random, staff: User | None) -> int:
    if Enquiry.objects.filter(email__iendswith=f"@{accounts_demo.DEMO_DOMAIN}").exists():
        return 0
    areas = list(ServiceArea.objects.filter(is_active=True))
    regions = list(Region.objects.filter(is_active=True))
    topics = list(SupportTopic.objects.filter(is_active=True))
    now = timezone.now()
    number = 0
    for status, count, overdue in ENQUIRY_PLAN:
        for position in range(count):
            number += 1
            text, role = QUESTIONS[(number - 1) % len(QUESTIONS)]
            # Overdue ones arrived a week ago; the others within the target.
            created_at = now - (timedelta(days=7) if position < overdue else timedelta(hours=rng.randint(1, 20)))
            if status in (Enquiry.Status.ANSWERED, Enquiry.Status.CLOSED):
                created_at = now - timedelta(days=rng.randint(5, 40))
            name = accounts_demo.person_name(rng)
            answered = status in (Enquiry.Status.ANSWERED, Enquiry.Status.CLOSED)
            answered_at = created_at + timedelta(hours=rng.randint(3, 40)) if answered else None
            closed = status == Enquiry.Status.CLOSED
            enquiry = Enquiry.objects.create(
                reference=new_reference(rng),
                name=name,
                email=f"enquirer.{number:02d}@{accounts_demo.DEMO_DOMAIN}",
                role=role,
                organisation=rng.choice(ORGANISATIONS),
                service_area=rng.choice(areas),
                region=rng.choice(regions),
                topic=rng.choice(topics),
                question=text,
                status=status,
                created_at=created_at,
                respond_by=add_working_days(created_at, 2),
                first_response_at=answered_at,
                assigned_to=staff if status != Enquiry.Status.NEW else None,
                closed_at=answered_at + timedelta(days=2) if closed and answered_at else None,
                closed_by=staff if closed else None,
                closing_note="Answered; they will be in touch if they need more." if closed else "",
            )
            if answered_at is not None:
                EnquiryReply.objects.create(enquiry=enquiry, author=staff, body=REPLY, created_at=answered_at)
                if role == "would_be_mentor":
                    EnquiryInvitation.objects.create(
                        enquiry=enquiry,
                        kind=EnquiryInvitation.Kind.MENTOR,
                        created_by=staff,
                        created_at=answered_at,
                        expires_at=answered_at + timedelta(days=14),
                    )
    for text in FEEDBACK:
        number += 1
        Enquiry.objects.create(
            reference=new_reference(rng),
            kind=Enquiry.Kind.FEEDBACK,
            email=f"enquirer.{number:02d}@{accounts_demo.DEMO_DOMAIN}",
            question=text,
            page_url="/how-to-set-up-a-mutual/",
            created_at=now - timedelta(hours=rng.randint(1, 30)),
            respond_by=add_working_days(now, 2),
        )
    return number


def seed(*, rng: random.Random, size: int, stdout: OutputWrapper) -> None:
    staff = User.objects.filter(email=accounts_demo.STAFF_EMAIL).first()
    # One random stream per part, drawn before any part runs, so that a part already seeded (and skipped) does not
    # change what the others draw: the same seed gives the same enquiries whatever existed before.
    resource_rng, enquiry_rng = random.Random(rng.getrandbits(64)), random.Random(rng.getrandbits(64))
    resources = _resources(resource_rng, staff)
    tasks = _guide_tasks()
    case_studies = _case_studies(staff)
    enquiries = _enquiries(enquiry_rng, staff)
    if not (resources or tasks or case_studies or enquiries):
        stdout.write("information: demo data already present, nothing added.")
        return
    stdout.write(
        f"information: created {resources} guidance pages, {tasks} guide tasks, {case_studies} case studies and "
        f"{enquiries} enquiries."
    )
