"""Demo data for the accounts app: programme staff, mutuals and mentors. Used by `manage.py seed_demo`.

Everything here is deterministic for a given seed and idempotent: each bulk row has a stable key that does not depend
on the seed (the email address `member.00042@demo.mutuals.example` stands for mutual number 42 and its data), so a
second run finds the keys it made and creates nothing. Larger sizes extend a smaller seed: the first N rows of
`--size 200` are those of `--size N` with the same seed, because every kind of row has its own random stream.

Speed matters (`--size 10000` is used by the benchmarks): rows are generated in memory, written with bulk_create in
batches (many-to-many rows through their through models), and every bulk user shares one PBKDF2 hash of the demo
password computed once. Primary keys come back from bulk_create (PostgreSQL, and SQLite >= 3.35).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Membership, MentorProfile, Mutual, Region, ServiceArea, Stage, SupportTopic, User

DEMO_DOMAIN = "demo.mutuals.example"
# Known to anyone who reads the README: only for local demo databases, never for a real deployment.
DEMO_PASSWORD = "mutuals-demo-password"  # noqa: S105
BATCH_SIZE = 1000

ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


STAFF_EMAIL = f"staff@{DEMO_DOMAIN}"
MUTUAL_EMAIL = f"mutual@{DEMO_DOMAIN}"
MENTOR_EMAIL = f"mentor@{DEMO_DOMAIN}"
AMBASSADOR_EMAIL = f"ambassador@{DEMO_DOMAIN}"
# Other apps' demo seeds look these people up by email (the ambassadors seed makes AMBASSADOR_EMAIL an ambassador).
DEMO_LOGINS = [
    DemoLogin(STAFF_EMAIL, "programme team (sets up MFA at first sign-in), Django admin"),
    DemoLogin(MUTUAL_EMAIL, "member of Pennine Care Partnership"),
    DemoLogin(MENTOR_EMAIL, "approved mentor"),
    DemoLogin(AMBASSADOR_EMAIL, "ambassador (appointed by the ambassadors app's demo data)"),
]
DEMO_MUTUAL_NAME = "Pennine Care Partnership"


def member_email(index: int, second: bool = False) -> str:
    return f"member.{index:05d}{'b' if second else ''}@{DEMO_DOMAIN}"


def mentor_email(index: int) -> str:
    return f"mentor.{index:05d}@{DEMO_DOMAIN}"


# --- Word lists ---------------------------------------------------------------------------------------------

# (place, local authority) by region. Places are used in organisation names, authorities as parent public bodies.
PLACES: dict[str, list[tuple[str, str]]] = {
    "north-east": [
        ("Tyneside", "Newcastle City Council"),
        ("Wearside", "Sunderland City Council"),
        ("Teesside", "Middlesbrough Council"),
        ("Durham", "Durham County Council"),
        ("Northumberland", "Northumberland County Council"),
        ("Gateshead", "Gateshead Council"),
        ("Darlington", "Darlington Borough Council"),
        ("Hartlepool", "Hartlepool Borough Council"),
        ("Cheviot", "Northumberland County Council"),
        ("Tees Valley", "Stockton-on-Tees Borough Council"),
    ],
    "north-west": [
        ("Pennine", "Oldham Council"),
        ("Mersey", "Liverpool City Council"),
        ("Cumbria", "Cumberland Council"),
        ("Lancashire", "Lancashire County Council"),
        ("Salford", "Salford City Council"),
        ("Wirral", "Wirral Council"),
        ("Bolton", "Bolton Council"),
        ("Cheshire", "Cheshire East Council"),
        ("Fylde", "Blackpool Council"),
        ("Ribble Valley", "Lancashire County Council"),
        ("Stockport", "Stockport Council"),
    ],
    "yorkshire-and-the-humber": [
        ("Calderdale", "Calderdale Council"),
        ("Kirklees", "Kirklees Council"),
        ("Humber", "Hull City Council"),
        ("Wakefield", "Wakefield Council"),
        ("Dales", "North Yorkshire Council"),
        ("Barnsley", "Barnsley Council"),
        ("Sheffield", "Sheffield City Council"),
        ("Leeds", "Leeds City Council"),
        ("Wolds", "East Riding of Yorkshire Council"),
        ("Rotherham", "Rotherham Council"),
    ],
    "east-midlands": [
        ("Peak", "Derbyshire County Council"),
        ("Trent", "Nottinghamshire County Council"),
        ("Leicestershire", "Leicestershire County Council"),
        ("Lincolnshire", "Lincolnshire County Council"),
        ("Northamptonshire", "West Northamptonshire Council"),
        ("Charnwood", "Leicestershire County Council"),
        ("Rutland", "Rutland County Council"),
        ("Sherwood", "Nottinghamshire County Council"),
        ("Derwent", "Derby City Council"),
    ],
    "west-midlands": [
        ("Black Country", "Sandwell Council"),
        ("Severn", "Worcestershire County Council"),
        ("Shropshire", "Shropshire Council"),
        ("Staffordshire", "Staffordshire County Council"),
        ("Coventry", "Coventry City Council"),
        ("Herefordshire", "Herefordshire Council"),
        ("Solihull", "Solihull Council"),
        ("Warwickshire", "Warwickshire County Council"),
        ("Wrekin", "Telford and Wrekin Council"),
        ("Malvern", "Worcestershire County Council"),
    ],
    "east-of-england": [
        ("Fenland", "Cambridgeshire County Council"),
        ("Norfolk", "Norfolk County Council"),
        ("Suffolk", "Suffolk County Council"),
        ("Essex", "Essex County Council"),
        ("Broads", "Norfolk County Council"),
        ("Hertfordshire", "Hertfordshire County Council"),
        ("Bedfordshire", "Central Bedfordshire Council"),
        ("Peterborough", "Peterborough City Council"),
        ("Chelmer", "Essex County Council"),
        ("Waveney", "Suffolk County Council"),
    ],
    "london": [
        ("Thames", "Greater London Authority"),
        ("Lambeth", "Lambeth Council"),
        ("Hackney", "Hackney Council"),
        ("Kensington and Chelsea", "Royal Borough of Kensington and Chelsea"),
        ("Islington", "Islington Council"),
        ("Sutton", "Sutton Council"),
        ("Lewisham", "Lewisham Council"),
        ("Camden", "Camden Council"),
        ("Richmond", "Richmond upon Thames Council"),
        ("Waltham Forest", "Waltham Forest Council"),
        ("Tower Hamlets", "Tower Hamlets Council"),
    ],
    "south-east": [
        ("Solent", "Hampshire County Council"),
        ("Kent", "Kent County Council"),
        ("Surrey", "Surrey County Council"),
        ("Medway", "Medway Council"),
        ("Chiltern", "Buckinghamshire Council"),
        ("Weald", "East Sussex County Council"),
        ("Oxfordshire", "Oxfordshire County Council"),
        ("Berkshire", "Reading Borough Council"),
        ("Downs", "West Sussex County Council"),
        ("Isle of Wight", "Isle of Wight Council"),
        ("Brighton", "Brighton and Hove City Council"),
    ],
    "south-west": [
        ("Devon", "Devon County Council"),
        ("Cornwall", "Cornwall Council"),
        ("Somerset", "Somerset Council"),
        ("Dorset", "Dorset Council"),
        ("Avon", "Bristol City Council"),
        ("Wessex", "Wiltshire Council"),
        ("Cotswold", "Gloucestershire County Council"),
        ("Exmoor", "Somerset Council"),
        ("Tamar", "Plymouth City Council"),
        ("Swindon", "Swindon Borough Council"),
    ],
}
# Extra qualifiers make room for thousands of distinct names (`--size 10000`) without numbering them.
QUALIFIERS = ["", "", "", "North ", "South ", "East ", "West ", "Central ", "Mid ", "Greater "]

# Organisation name patterns by service area; {place} is replaced. Unknown (staff-added) areas use their own name.
NAME_PATTERNS: dict[str, list[str]] = {
    "adult-social-care": [
        "{place} Care Partnership",
        "{place} Community Care Mutual",
        "{place} Care and Support",
        "{place} Independent Living Co-operative",
        "{place} Homecare Mutual",
        "{place} Enablement Services",
    ],
    "childrens-social-care": [
        "{place} Children and Families Mutual",
        "{place} Family Support Partnership",
        "{place} Fostering Co-operative",
        "{place} Children's Services Mutual",
        "{place} Early Help Partnership",
    ],
    "social-work": [
        "{place} Social Work Practice",
        "{place} Social Work Mutual",
        "{place} Practice Partners",
        "{place} Adult Social Work Co-operative",
    ],
    "fire-and-rescue": [
        "{place} Fire and Rescue Mutual",
        "{place} Fire Safety Partnership",
        "{place} Community Fire Services",
        "{place} Rescue and Resilience Mutual",
    ],
    "probation": [
        "{place} Rehabilitation Mutual",
        "{place} Community Justice Partnership",
        "{place} Probation Services Mutual",
        "{place} Resettlement Co-operative",
    ],
    "community-health": [
        "{place} Community Health",
        "{place} Health Partnership",
        "{place} Community Healthcare Mutual",
        "{place} Therapies Co-operative",
        "{place} Community Nursing Mutual",
        "{place} Wellbeing Services",
    ],
    "youth-services": [
        "{place} Youth Mutual",
        "{place} Young People's Services",
        "{place} Youth Partnership",
        "{place} Youth Work Co-operative",
    ],
    "libraries-and-culture": [
        "{place} Libraries",
        "{place} Libraries and Heritage Trust",
        "{place} Culture Mutual",
        "{place} Arts and Libraries Co-operative",
    ],
    "leisure-and-sport": [
        "{place} Leisure Trust",
        "{place} Active Communities",
        "{place} Sport and Leisure Mutual",
        "{place} Leisure Co-operative",
    ],
    "education-support": [
        "{place} Education Partnership",
        "{place} School Support Services",
        "{place} Learning Mutual",
        "{place} Inclusion Services",
    ],
}

PARENT_BODY_PATTERNS: dict[str, str] = {
    "community-health": "NHS {place} Primary Care Trust",
    "fire-and-rescue": "{place} Fire and Rescue Authority",
    "probation": "{place} Probation Trust",
}

SERVICE_DESCRIPTIONS: dict[str, str] = {
    "adult-social-care": "home care, reablement and day services for older and disabled adults",
    "childrens-social-care": "family support, fostering and early help for children and young people",
    "social-work": "statutory and preventive social work for adults and families",
    "fire-and-rescue": "community fire safety, prevention visits and resilience training",
    "probation": "supervision, rehabilitation and resettlement for people leaving custody",
    "community-health": "community nursing, therapies and health visiting",
    "youth-services": "youth clubs, detached youth work and support for young carers",
    "libraries-and-culture": "public libraries, archives and local heritage services",
    "leisure-and-sport": "leisure centres, swimming pools and community sport",
    "education-support": "school improvement, special educational needs support and governor services",
}

FIRST_NAMES = [
    "Aisha", "Alan", "Amara", "Andrew", "Angela", "Bethan", "Callum", "Carol", "Chidi", "Chloe", "Claire", "Colin",
    "Daniel", "Deborah", "Dev", "Eleanor", "Emma", "Fatima", "Fiona", "Gareth", "Gemma", "Graham", "Hannah", "Harpreet",
    "Helen", "Ian", "Imran", "Jack", "Janet", "Jasmine", "Joanne", "Jonathan", "Karen", "Kwame", "Laura", "Leon",
    "Lucy", "Mandeep", "Margaret", "Mark", "Martin", "Megan", "Michael", "Naomi", "Neil", "Nia", "Oliver", "Owen",
    "Patricia", "Priya", "Rachel", "Rhys", "Richard", "Ruth", "Sadia", "Sarah", "Sean", "Siobhan", "Simon", "Sophie",
    "Stephen", "Susan", "Tariq", "Thomas", "Tom", "Wei", "Yusuf", "Zara",
]  # fmt: skip
SURNAMES = [
    "Adeyemi", "Ahmed", "Ali", "Armstrong", "Bailey", "Begum", "Bennett", "Brown", "Campbell", "Chapman", "Chen",
    "Clarke", "Cooper", "Davies", "Dixon", "Edwards", "Evans", "Fletcher", "Foster", "Green", "Griffiths", "Hall",
    "Harris", "Hughes", "Hussain", "Jackson", "James", "Jones", "Kaur", "Kelly", "Khan", "Lewis", "Lloyd", "Marshall",
    "Martin", "Mensah", "Mitchell", "Morgan", "Murphy", "Nguyen", "Okafor", "O'Brien", "Owen", "Patel", "Phillips",
    "Price", "Roberts", "Robinson", "Shah", "Singh", "Smith", "Taylor", "Thomas", "Thompson", "Turner", "Walker",
    "Ward", "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young",
]  # fmt: skip

JOB_TITLES = [
    "Chief executive",
    "Managing director",
    "Service manager",
    "Head of operations",
    "Finance director",
    "Transformation lead",
    "Project lead",
    "Chair of the staff council",
    "Operations director",
]

# Some topics are asked about, and offered, far more than others: the skew makes matching realistic.
TOPIC_WEIGHTS: dict[str, int] = {
    "business-planning": 12,
    "legal-form-and-governance": 10,
    "tupe-and-employment": 9,
    "finance-and-investment": 9,
    "procurement-and-commissioning": 8,
    "leadership": 8,
    "pensions": 6,
    "stakeholder-and-staff-engagement": 5,
    "social-value": 4,
    "bid-writing": 4,
    "hr": 3,
    "back-office-support": 2,
    "marketing": 2,
    "tax": 1,
}
REGION_WEIGHTS: dict[str, int] = {
    "london": 16,
    "north-west": 14,
    "south-east": 13,
    "yorkshire-and-the-humber": 11,
    "west-midlands": 10,
    "south-west": 10,
    "east-of-england": 9,
    "east-midlands": 9,
    "north-east": 8,
}
# Most spin-outs choose a community interest company or a society; partnerships are rare.
LEGAL_FORM_WEIGHTS: dict[str, int] = {
    Mutual.LegalForm.CIC_GUARANTEE: 30,
    Mutual.LegalForm.CIC_SHARES: 12,
    Mutual.LegalForm.COMMUNITY_BENEFIT: 15,
    Mutual.LegalForm.COMPANY_GUARANTEE: 14,
    Mutual.LegalForm.COMPANY_SHARES: 10,
    Mutual.LegalForm.COOPERATIVE: 8,
    Mutual.LegalForm.LLP: 2,
    Mutual.LegalForm.OTHER: 2,
}
STAGE_WEIGHTS: dict[str, int] = {"exploring": 3, "developing": 4, "recently-spun-out": 2, "established": 3}

# Mentor backgrounds: (headline, organisation pattern). {place} and {surname} are filled in.
MENTOR_BACKGROUNDS: dict[str, list[tuple[str, str]]] = {
    "business-planning": [
        ("Former chief executive of a community health mutual", "{place} Community Health"),
        ("Business adviser to social enterprises", "{place} Enterprise Hub"),
    ],
    "legal-form-and-governance": [
        ("Solicitor specialising in co-operative and community benefit societies", "{surname} and Partners LLP"),
        ("Company secretary for employee-owned businesses", "{place} Governance Services"),
    ],
    "tupe-and-employment": [
        ("Employment lawyer who has advised on public sector staff transfers", "{surname} Employment Law"),
        ("HR director who led a TUPE transfer of 400 staff", "{place} Care and Support"),
    ],
    "pensions": [
        ("Pensions adviser on Local Government Pension Scheme admission", "{surname} Actuarial"),
        ("Former pensions manager at a county council", "{place} County Council"),
    ],
    "procurement-and-commissioning": [
        ("Former commissioner of adult social care", "{place} Council"),
        ("Bid manager for public service contracts", "{place} Leisure Trust"),
    ],
    "finance-and-investment": [
        ("Finance director of an employee-owned leisure trust", "{place} Leisure Trust"),
        ("Social investment manager", "{place} Social Investment Fund"),
    ],
    "tax": [("Chartered tax adviser to charities and social enterprises", "{surname} Tax")],
    "back-office-support": [
        ("Runs shared payroll and finance services for co-operatives", "{place} Admin Solutions CIC")
    ],
    "stakeholder-and-staff-engagement": [
        ("Led staff consultation and a ballot for a spin-out", "{place} Children and Families Mutual"),
        ("Trade union officer experienced in employee ownership", "{place} Staff Partnership"),
    ],
    "social-value": [("Measures and reports social value for public contracts", "{place} Social Value Partnership")],
    "leadership": [
        ("Former director of a care mutual", "{place} Care Partnership"),
        ("Leadership coach for new chief executives", "{surname} Coaching"),
    ],
    "bid-writing": [("Writes winning tenders and grant bids", "{surname} Bid Services")],
    "marketing": [("Marketing lead for a community interest company", "{place} Communications CIC")],
    "hr": [("HR business partner in employee-owned organisations", "{place} People Services")],
}

REJECTION_REASONS = [
    "We could not verify the references you gave. You are welcome to apply again with different referees.",
    "Your experience does not yet match the support mutuals have asked for. Thank you for offering your time.",
    "You told us you are bidding for contracts against mutuals in your region, which is a conflict of interest.",
]


# --- Generation ---------------------------------------------------------------------------------------------


@dataclass
class Taxonomy:
    """The active taxonomy, loaded once. Staff-added terms are included with a default weight."""

    service_areas: list[ServiceArea]
    regions: list[Region]
    topics: list[SupportTopic]
    stages: list[Stage]

    @classmethod
    def load(cls) -> Taxonomy:
        return cls(
            service_areas=list(ServiceArea.objects.filter(is_active=True).order_by("order", "slug")),
            regions=list(Region.objects.filter(is_active=True).order_by("order", "slug")),
            topics=list(SupportTopic.objects.filter(is_active=True).order_by("order", "slug")),
            stages=list(Stage.objects.filter(is_active=True).order_by("order", "slug")),
        )


@dataclass
class MutualPlan:
    index: int
    mutual: Mutual
    service_area_ids: list[int]
    member: User
    job_title: str
    second_member: User | None = None


@dataclass
class MentorPlan:
    index: int
    profile: MentorProfile
    user: User
    topic_ids: list[int]
    service_area_ids: list[int]
    stage_ids: list[int]
    conflict_indexes: list[int] = field(default_factory=list)


def weighted_sample(rng: random.Random, items: Sequence[ModelT], weights: Sequence[int], count: int) -> list[ModelT]:
    """`count` distinct items drawn with probability proportional to their weights."""
    pool = list(zip(items, weights, strict=True))
    chosen: list[ModelT] = []
    for _ in range(min(count, len(pool))):
        item, _weight = rng.choices(pool, weights=[weight for _, weight in pool])[0]
        chosen.append(item)
        pool = [(other, weight) for other, weight in pool if other is not item]
    return chosen


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


class MutualNamer:
    """Distinct, plausible organisation names: a place in the mutual's region and a pattern for its service."""

    def __init__(self, taken_slugs: Iterable[str]) -> None:
        self.taken = set(taken_slugs)

    def name(self, rng: random.Random, region_slug: str, area: ServiceArea) -> tuple[str, str, str]:
        """Returns (name, slug, parent public body)."""
        places = PLACES.get(region_slug) or [place for group in PLACES.values() for place in group]
        patterns = NAME_PATTERNS.get(area.slug, ["{place} " + area.name + " Mutual"])
        place, authority = rng.choice(places)
        name = ""
        for attempt in range(40):
            if attempt:
                place, authority = rng.choice(places)
            qualified = f"{rng.choice(QUALIFIERS) if attempt else ''}{place}"
            name = rng.choice(patterns).format(place=qualified)
            if slugify(name) not in self.taken:
                break
        else:
            # Only reached at very large sizes: number the name rather than loop forever.
            base, number = name, 2
            while slugify(f"{base} {number}") in self.taken:
                number += 1
            name = f"{base} {number}"
        slug = slugify(name)
        self.taken.add(slug)
        parent = PARENT_BODY_PATTERNS.get(area.slug, "{authority}").format(place=place, authority=authority)
        return name, slug, parent


def plan_mutuals(
    *, rng: random.Random, size: int, taxonomy: Taxonomy, taken_slugs: Iterable[str], password_hash: str
) -> list[MutualPlan]:
    """Mutuals 0..size-1 with their members. The first ones cover every service area and every region."""
    areas, regions, stages = taxonomy.service_areas, taxonomy.regions, taxonomy.stages
    region_weights = [REGION_WEIGHTS.get(region.slug, 8) for region in regions]
    stage_weights = [STAGE_WEIGHTS.get(stage.slug, 2) for stage in stages]
    namer = MutualNamer(taken_slugs)
    now = timezone.now()
    plans: list[MutualPlan] = []
    for index in range(size):
        if index < max(len(areas), len(regions)):
            area = areas[index % len(areas)]
            region = regions[index % len(regions)]
        else:
            area = rng.choice(areas)
            region = rng.choices(regions, weights=region_weights)[0]
        if index == 0:
            # Mutual 0 belongs to the `mutual@` demo login: a care mutual in the North West the README can name.
            area = next((a for a in areas if a.slug == "adult-social-care"), area)
            region = next((r for r in regions if r.slug == "north-west"), region)
        extra_areas = rng.sample([other for other in areas if other != area], k=rng.choice([0, 0, 0, 1, 1, 2]))
        stage = rng.choices(stages, weights=stage_weights)[0]
        name, slug, parent = namer.name(rng, region.slug, area)
        if index == 0 and slugify(DEMO_MUTUAL_NAME) not in namer.taken:
            namer.taken.discard(slug)
            name, slug = DEMO_MUTUAL_NAME, slugify(DEMO_MUTUAL_NAME)
            namer.taken.add(slug)
        legal_form = (
            Mutual.LegalForm.UNDECIDED
            if stage.slug == "exploring" and rng.random() < 0.8
            else rng.choices(list(LEGAL_FORM_WEIGHTS), weights=list(LEGAL_FORM_WEIGHTS.values()))[0]
        )
        staff_count = int(min(5000, max(6, rng.lognormvariate(4.6, 1.0))))
        services = SERVICE_DESCRIPTIONS.get(area.slug, area.name.lower())
        verb = "plans to deliver" if stage.slug in {"exploring", "developing"} else "delivers"
        description = (
            f"An employee-led organisation that {verb} {services} in {region.name}, "
            f"working with {parent}. About {staff_count} staff have a say in how the service is run."
        )
        listed = rng.random() < 0.4
        mutual = Mutual(
            name=name,
            slug=slug,
            region=region,
            stage=stage,
            legal_form=legal_form,
            staff_count=staff_count,
            parent_body=parent,
            description=description,
            website=f"https://{slug}.example" if rng.random() < 0.6 else "",
            listed_publicly=listed,
            listing_consent_at=now - timedelta(days=rng.randint(1, 400)) if listed else None,
        )
        full_name = person_name(rng)
        if index == 0:
            member = User(email=MUTUAL_EMAIL, full_name="Priya Shah", password=password_hash)
        else:
            member = User(email=member_email(index), full_name=full_name, password=password_hash)
        plan = MutualPlan(
            index=index,
            mutual=mutual,
            service_area_ids=[area.pk, *(other.pk for other in extra_areas)],
            member=member,
            job_title=rng.choice(JOB_TITLES),
        )
        if rng.random() < 0.25:
            plan.second_member = User(
                email=member_email(index, second=True), full_name=person_name(rng), password=password_hash
            )
        plans.append(plan)
    return plans


def plan_mentors(
    *, rng: random.Random, size: int, taxonomy: Taxonomy, mutual_count: int, password_hash: str
) -> list[MentorPlan]:
    """Mentors 0..size-1. Mentor 0 is the `mentor@` demo login: approved, available, not paused."""
    topics, areas, regions, stages = taxonomy.topics, taxonomy.service_areas, taxonomy.regions, taxonomy.stages
    topic_weights = [TOPIC_WEIGHTS.get(topic.slug, 2) for topic in topics]
    region_weights = [REGION_WEIGHTS.get(region.slug, 8) for region in regions]
    today = timezone.localdate()
    now = timezone.now()
    plans: list[MentorPlan] = []
    for index in range(size):
        chosen_topics = weighted_sample(rng, topics, topic_weights, rng.choice([1, 2, 2, 3, 3, 4, 5]))
        region = rng.choices(regions, weights=region_weights)[0]
        first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        place = rng.choice(PLACES.get(region.slug) or PLACES["london"])[0]
        backgrounds = MENTOR_BACKGROUNDS.get(chosen_topics[0].slug) or [
            (f"Adviser on {chosen_topics[0].label}", "{surname} Consulting")
        ]
        headline, organisation = rng.choice(backgrounds)
        topic_names = ", ".join(topic.label for topic in chosen_topics)
        years = rng.randint(5, 30)
        bio = (
            f"{years} years in and around public services. I can help with {topic_names}. "
            f"I have worked with mutuals in {region.name} and further afield, and I am happy to share what went "
            "well and what I would do differently."
        )
        status = rng.choices(
            [MentorProfile.Status.APPROVED, MentorProfile.Status.PENDING, MentorProfile.Status.REJECTED],
            weights=[78, 16, 6],
        )[0]
        if index == 0:
            status = MentorProfile.Status.APPROVED
        paused = index != 0 and status == MentorProfile.Status.APPROVED and rng.random() < 0.1
        profile = MentorProfile(
            headline=headline,
            bio=bio,
            organisation=organisation.format(place=place, surname=surname),
            region=region,
            format=rng.choices(list(MentorProfile.Format), weights=[5, 2, 6])[0],
            capacity=3 if index == 0 else rng.choices([1, 2, 3, 4, 5], weights=[30, 30, 20, 12, 8])[0],
            paused_until=today + timedelta(days=rng.randint(7, 120)) if paused else None,
            status=status,
            status_reason=rng.choice(REJECTION_REASONS) if status == MentorProfile.Status.REJECTED else "",
            vetted_at=None if status == MentorProfile.Status.PENDING else now - timedelta(days=rng.randint(1, 300)),
        )
        # Vetted demo mentors were told the decision when it was made: nothing is waiting to be emailed.
        profile.decision_emailed_at = profile.vetted_at
        conflicts: list[int] = []
        if index != 0 and mutual_count and rng.random() < 0.12:
            conflicts = sorted(set(rng.sample(range(mutual_count), k=min(mutual_count, rng.choice([1, 1, 2])))))
            profile.conflicts_note = "I sit on the board of, or have advised, these organisations."
        user = User(
            email=MENTOR_EMAIL if index == 0 else mentor_email(index),
            full_name="Gareth Evans" if index == 0 else f"{first} {surname}",
            password=password_hash,
        )
        area_count = rng.choice([1, 1, 2, 2, 3])
        plans.append(
            MentorPlan(
                index=index,
                profile=profile,
                user=user,
                topic_ids=[topic.pk for topic in chosen_topics],
                service_area_ids=[area.pk for area in rng.sample(areas, k=min(area_count, len(areas)))],
                stage_ids=[stage.pk for stage in rng.sample(stages, k=rng.randint(1, len(stages)))],
                conflict_indexes=conflicts,
            )
        )
    return plans


# --- Writing ------------------------------------------------------------------------------------------------


def bulk_insert(model: type[ModelT], rows: list[ModelT]) -> list[ModelT]:
    """bulk_create in batches; the rows come back with their primary keys set."""
    created = model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    if any(row.pk is None for row in created):
        raise RuntimeError(f"The database did not return primary keys for {model.__name__} rows")
    return created


def insert_users(users: list[User]) -> None:
    bulk_insert(User, users)
    bulk_insert(
        EmailAddress,
        [EmailAddress(user_id=user.pk, email=user.email, verified=True, primary=True) for user in users],
    )


def first_member_email(index: int) -> str:
    """The stable key of demo mutual `index`: the email of the member who created it."""
    return MUTUAL_EMAIL if index == 0 else member_email(index)


def existing_emails() -> set[str]:
    return set(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("email", flat=True))


def seed_staff(*, password_hash: str, taken_emails: set[str]) -> int:
    if STAFF_EMAIL in taken_emails:
        return 0
    staff = User(
        email=STAFF_EMAIL,
        full_name="Sam Okafor",
        password=password_hash,
        is_programme_team=True,
        is_staff=True,
        is_superuser=True,
    )
    insert_users([staff])
    return 1


def seed_mutuals(*, plans: list[MutualPlan], taken_emails: set[str]) -> int:
    new = [plan for plan in plans if plan.member.email not in taken_emails]
    insert_users([plan.member for plan in new])
    insert_users([plan.second_member for plan in new if plan.second_member])
    for plan in new:
        plan.mutual.created_by = plan.member
    bulk_insert(Mutual, [plan.mutual for plan in new])
    areas = Mutual.service_areas.through
    bulk_insert(
        areas,
        [areas(mutual_id=plan.mutual.pk, servicearea_id=pk) for plan in new for pk in plan.service_area_ids],
    )
    bulk_insert(
        Membership,
        [Membership(mutual=plan.mutual, user=plan.member, job_title=plan.job_title) for plan in new]
        + [
            Membership(mutual=plan.mutual, user=plan.second_member, job_title="Project lead")
            for plan in new
            if plan.second_member
        ],
    )
    return len(new)


def seed_mentors(*, plans: list[MentorPlan], taken_emails: set[str], staff_id: int) -> int:
    new = [plan for plan in plans if plan.user.email not in taken_emails]
    insert_users([plan.user for plan in new])
    for plan in new:
        plan.profile.user = plan.user
        if plan.profile.status != MentorProfile.Status.PENDING:
            plan.profile.vetted_by_id = staff_id
    bulk_insert(MentorProfile, [plan.profile for plan in new])
    topics = MentorProfile.topics.through
    bulk_insert(
        topics, [topics(mentorprofile_id=plan.profile.pk, supporttopic_id=pk) for plan in new for pk in plan.topic_ids]
    )
    areas = MentorProfile.service_areas.through
    bulk_insert(
        areas,
        [areas(mentorprofile_id=plan.profile.pk, servicearea_id=pk) for plan in new for pk in plan.service_area_ids],
    )
    stages = MentorProfile.stages.through
    bulk_insert(
        stages, [stages(mentorprofile_id=plan.profile.pk, stage_id=pk) for plan in new for pk in plan.stage_ids]
    )
    # Conflicts name demo mutuals by their stable key, so they also reach mutuals made by an earlier run.
    wanted = {first_member_email(index) for plan in new for index in plan.conflict_indexes}
    mutual_by_email = dict(Membership.objects.filter(user__email__in=wanted).values_list("user__email", "mutual_id"))
    conflicts = MentorProfile.conflicts.through
    bulk_insert(
        conflicts,
        [
            conflicts(mentorprofile_id=plan.profile.pk, mutual_id=mutual_by_email[email])
            for plan in new
            for email in {first_member_email(index) for index in plan.conflict_indexes}
            if email in mutual_by_email
        ],
    )
    return len(new)


def seed_people(*, rng_seed: int, size: int) -> dict[str, int]:
    """Creates whatever demo staff, mutuals and mentors are missing. Returns counts of new rows by kind."""
    taxonomy = Taxonomy.load()
    if not (taxonomy.service_areas and taxonomy.regions and taxonomy.topics and taxonomy.stages):
        raise RuntimeError("The taxonomy is empty: run `manage.py migrate` first")
    password_hash = make_password(DEMO_PASSWORD)  # PBKDF2, once for every demo user
    taken_emails = existing_emails()
    counts = {"staff": seed_staff(password_hash=password_hash, taken_emails=taken_emails)}
    staff_id = User.objects.only("pk").get(email=STAFF_EMAIL).pk
    mutual_plans = plan_mutuals(
        rng=random.Random(f"{rng_seed}:mutuals"),
        size=size,
        taxonomy=taxonomy,
        taken_slugs=Mutual.objects.values_list("slug", flat=True),
        password_hash=password_hash,
    )
    counts["mutuals"] = seed_mutuals(plans=mutual_plans, taken_emails=taken_emails)
    mentor_plans = plan_mentors(
        rng=random.Random(f"{rng_seed}:mentors"),
        size=size,
        taxonomy=taxonomy,
        mutual_count=size,
        password_hash=password_hash,
    )
    counts["mentors"] = seed_mentors(plans=mentor_plans, taken_emails=taken_emails, staff_id=staff_id)
    counts["ambassador logins"] = 0
    if AMBASSADOR_EMAIL not in taken_emails:
        insert_users([User(email=AMBASSADOR_EMAIL, full_name="Dana Mensah", password=password_hash)])
        counts["ambassador logins"] = 1
    return counts
