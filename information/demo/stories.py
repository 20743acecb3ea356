"""The words of the demo guide's tasks and case studies (the mutuals are the demo's own, invented)."""

from __future__ import annotations

from dataclasses import dataclass

from information.demo.resources import body

# (guide step, title, description, resource slug or "")
GUIDE_TASKS: tuple[tuple[int, str, str, str], ...] = (
    (
        1,
        "Find out what a mutual is",
        "The three tests, and the forms a mutual can take.",
        "what-counts-as-a-public-service-mutual",
    ),
    (1, "Decide whether it is right for your service", "", "is-a-mutual-right-for-your-service"),
    (1, "Check how ready you are", "Eight questions, three minutes.", ""),
    (1, "Find out about the support available", "", "the-mutual-support-programme"),
    (2, "Talk to your colleagues", "Bring staff and unions with you from the start.", "bringing-staff-with-you"),
    (2, "Raise it with your commissioner", "", "working-with-your-commissioner"),
    (2, "Consider the Right to Provide", "If it applies to your service.", "right-to-provide"),
    (2, "Talk to someone who has done it", "Invite an ambassador to speak to your team.", ""),
    (3, "Write your business plan", "", "writing-your-business-plan"),
    (3, "Choose a legal form", "", "choosing-a-legal-form"),
    (3, "Decide how the mutual will be governed", "", "governance-for-new-mutuals"),
    (3, "Work out how it will be funded", "", "funding-and-investment"),
    (4, "Plan the staff transfer", "TUPE, consultation and a realistic timetable.", "tupe-a-guide"),
    (4, "Protect staff pensions", "", "fair-deal-for-pensions"),
    (4, "Agree the contract", "", "procurement-options-for-new-mutuals"),
    (4, "Arrange back-office services", "", "back-office-services"),
    (5, "Register for tax", "", "tax-for-new-mutuals"),
    (5, "Get ready for the first day", "", "your-first-day-as-a-mutual"),
    (5, "Tell people about the mutual", "", "telling-your-story"),
)


@dataclass(frozen=True)
class DemoCaseStudy:
    slug: str
    title: str
    mutual_name: str
    area: str
    region: str
    stage: str
    summary: str
    story: str
    what_helped: str
    topics: tuple[str, ...]
    published: bool = True


CASE_STUDIES: tuple[DemoCaseStudy, ...] = (
    DemoCaseStudy(
        "pennine-care-partnership",
        "Adult social care staff who took their service with them",
        "Pennine Care Partnership",
        "adult-social-care",
        "north-west",
        "established",
        "Two hundred care workers left the council together and now run home care across three towns.",
        body(
            "## Where they started",
            "The council planned to outsource home care. The team proposed to run it themselves instead.",
            "## What they did",
            "They spent a year on the business plan, with a mentor who had led a care mutual, and agreed a "
            "five-year contract with the council.",
            "## Where they are now",
            "Staff turnover has halved, and the mutual has won two further contracts.",
        ),
        "Our mentor had been through every stage we were facing. Being able to ask 'what did you do?' saved us months.",
        ("business-planning", "tupe-and-employment"),
    ),
    DemoCaseStudy(
        "mersey-community-health",
        "Community nurses who redesigned their service",
        "Mersey Community Health",
        "community-health",
        "north-west",
        "recently-spun-out",
        "Community nursing, therapy and health visiting moved out of the trust and into a staff-owned enterprise.",
        body(
            "The team used the Right to Provide to propose a mutual. Pensions were the hardest part: Fair Deal meant "
            "the new organisation had to join the NHS scheme, and the costs had to be in the plan from the start.",
        ),
        "Getting actuarial advice early. And the support team, who answered within a day every time.",
        ("pensions", "procurement-and-commissioning"),
    ),
    DemoCaseStudy(
        "severn-leisure-trust",
        "A leisure service that grew after spinning out",
        "Severn Leisure Trust",
        "leisure-and-sport",
        "west-midlands",
        "established",
        "Six leisure centres run by a community benefit society, with staff and users on the board.",
        body(
            "The trust chose a community benefit society so that users as well as staff could be members. It now "
            "runs two more centres for a neighbouring council.",
        ),
        "Choosing the legal form with a lawyer who understood co-operatives.",
        ("legal-form-and-governance", "bid-writing"),
    ),
    DemoCaseStudy(
        "fenland-youth-mutual",
        "Youth workers who kept a service open",
        "Fenland Youth Mutual",
        "youth-services",
        "east-of-england",
        "recently-spun-out",
        "Faced with closure, a youth service became a community interest company and found new funders.",
        body(
            "Within a year of spinning out the mutual had replaced a third of its council funding with grants and "
            "contracts from schools.",
        ),
        "An ambassador who came and spoke to our staff: after that, people believed it could work.",
        ("finance-and-investment", "stakeholder-and-staff-engagement"),
    ),
    DemoCaseStudy(
        "cheviot-fire-and-rescue",
        "Prevention work in fire and rescue",
        "Cheviot Fire and Rescue Mutual",
        "fire-and-rescue",
        "north-east",
        "spinning-out",
        "A fire prevention and community safety team spinning out of its service, with its commissioner's support.",
        body(
            "The team's commissioner backed the idea early, which made the procurement route clear. The back "
            "office was the surprise: payroll and IT had to be bought in.",
        ),
        "Working through the back-office list with our mentor, line by line.",
        ("back-office-support", "procurement-and-commissioning"),
    ),
    DemoCaseStudy(
        "wessex-probation-services",
        "Probation staff building support for a mutual",
        "Wessex Probation Services",
        "probation",
        "south-west",
        "building-support",
        "A probation team at the start of the journey, winning colleagues and partners over.",
        body("A draft, waiting for the mutual's agreement to the words."),
        "",
        ("stakeholder-and-staff-engagement",),
        published=False,
    ),
)
