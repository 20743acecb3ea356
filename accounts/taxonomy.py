"""The programme's starting taxonomy. Loaded by a data migration; staff can add service areas and topics later.

Slugs are stable identifiers used by demo data, tests and the matching engine's explanations.
"""

from __future__ import annotations

SERVICE_AREAS: list[tuple[str, str]] = [
    ("adult-social-care", "Adult social care"),
    ("childrens-social-care", "Children's social care"),
    ("social-work", "Social work"),
    ("fire-and-rescue", "Fire and rescue"),
    ("probation", "Probation"),
    ("community-health", "Community health"),
    ("youth-services", "Youth services"),
    ("libraries-and-culture", "Libraries and culture"),
    ("leisure-and-sport", "Leisure and sport"),
    ("education-support", "Education support"),
]

REGIONS: list[tuple[str, str]] = [
    ("north-east", "North East"),
    ("north-west", "North West"),
    ("yorkshire-and-the-humber", "Yorkshire and the Humber"),
    ("east-midlands", "East Midlands"),
    ("west-midlands", "West Midlands"),
    ("east-of-england", "East of England"),
    ("london", "London"),
    ("south-east", "South East"),
    ("south-west", "South West"),
]

# Regions that share a border: a mentor in a neighbouring region can still meet in person.
REGION_NEIGHBOURS: list[tuple[str, str]] = [
    ("north-east", "north-west"),
    ("north-east", "yorkshire-and-the-humber"),
    ("north-west", "yorkshire-and-the-humber"),
    ("north-west", "west-midlands"),
    ("north-west", "east-midlands"),
    ("yorkshire-and-the-humber", "east-midlands"),
    ("east-midlands", "west-midlands"),
    ("east-midlands", "east-of-england"),
    ("east-midlands", "south-east"),
    ("west-midlands", "south-west"),
    ("west-midlands", "south-east"),
    ("east-of-england", "london"),
    ("east-of-england", "south-east"),
    ("london", "south-east"),
    ("south-east", "south-west"),
]

# (slug, name, short name used in explanations)
SUPPORT_TOPICS: list[tuple[str, str, str]] = [
    ("business-planning", "Business planning", "business planning"),
    ("legal-form-and-governance", "Legal form and governance", "governance"),
    ("tupe-and-employment", "TUPE and employment", "TUPE"),
    ("pensions", "Pensions", "pensions"),
    ("procurement-and-commissioning", "Procurement and commissioning", "procurement"),
    ("finance-and-investment", "Finance and investment", "finance"),
    ("tax", "Tax", "tax"),
    ("back-office-support", "Back-office support", "back office"),
    ("stakeholder-and-staff-engagement", "Stakeholder and staff engagement", "engagement"),
    ("social-value", "Social value", "social value"),
    ("leadership", "Leadership", "leadership"),
    ("bid-writing", "Bid writing", "bid writing"),
    ("marketing", "Marketing", "marketing"),
    ("hr", "HR", "HR"),
]

# How far along a mutual is. The first five are the stages of the guide "How to set up a mutual" (guide_step 1-5);
# the last two follow spinning out. One list for the guide, mutual profiles, mentors' experience, resources and the
# pipeline. The slugs of the four stages the service started with are kept, so links and filters keep working.
STAGES: list[tuple[str, str, int | None, str]] = [
    ("exploring", "Exploring the idea", 1, "Is a mutual right for your service and your colleagues?"),
    ("building-support", "Building support", 2, "Bring staff, managers, commissioners and unions with you."),
    ("developing", "Developing the plan", 3, "The business plan, legal form, governance and finance."),
    ("preparing", "Preparing to spin out", 4, "TUPE and pensions, the contract, systems and the back office."),
    ("spinning-out", "Spinning out", 5, "The contract is signed, staff transfer and the mutual starts trading."),
    ("recently-spun-out", "Launched", None, "Trading as a mutual, in its first years."),
    ("established", "Established", None, "A mutual with a track record, growing and winning contracts."),
]
