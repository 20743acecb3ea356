"""The words of the demo guidance pages: written for this service from the programme's subject matter (TUPE, Fair
Deal, legal form, business planning, procurement, tax, back office, stakeholder engagement, Right to Provide, the
Mutual Support Programme). Document links point at an `.example` address: the demo names real kinds of document,
never a real file.
"""

from __future__ import annotations

from dataclasses import dataclass

DOCUMENTS = "https://publications.mutuals.example"


@dataclass(frozen=True)
class DemoResource:
    slug: str
    title: str
    summary: str
    body: str
    topics: tuple[str, ...]
    stages: tuple[str, ...]
    areas: tuple[str, ...] = ()
    source: str = ""
    document: str = ""  # the words of the document link; the link is made from the slug

    @property
    def document_url(self) -> str:
        return f"{DOCUMENTS}/{self.slug}.pdf" if self.document else ""


def body(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


RESOURCES: tuple[DemoResource, ...] = (
    DemoResource(
        "is-a-mutual-right-for-your-service",
        "Is a mutual right for your service?",
        "The questions to ask before you start: what staff want, what users need and what the commissioner will buy.",
        body(
            "A public service mutual leaves the public sector but keeps delivering a public service, usually under "
            "contract, with its staff in control. It suits a team that wants the freedom to redesign its service and "
            "is ready to run an organisation.",
            "## Ask yourselves",
            "- Do most of the team want this, and will they still want it when it is hard?\n- Is there someone who "
            "can lead a new organisation, or who could learn to?\n- Will the body that pays for the service today "
            "keep paying for it, at least at first?\n- Is the service big enough to carry its own overheads?",
            "If the answers are mostly yes, read on through the guide. If not, a mentor can help you decide.",
        ),
        ("leadership", "stakeholder-and-staff-engagement"),
        ("exploring",),
    ),
    DemoResource(
        "what-counts-as-a-public-service-mutual",
        "What counts as a public service mutual",
        "The three tests the Cabinet Office uses, and the many legal forms a mutual can take.",
        body(
            "An organisation is a public service mutual when it has left the public sector, still delivers public "
            "services, and gives its employees a high degree of control.",
            "Mutuals can be co-operatives, social enterprises, community interest companies or employee-owned "
            "companies. What they share is that the people who do the work have a real say in how it is run.",
        ),
        ("legal-form-and-governance",),
        ("exploring",),
    ),
    DemoResource(
        "the-mutual-support-programme",
        "The Mutual Support Programme",
        "What the programme offers new and developing mutuals: this website, the support team and funded help.",
        body(
            "The Mutual Support Programme helps teams that want to spin out and young mutuals that want to grow. "
            "It brings together guidance, a support team you can ask anything, mentoring from people who have done "
            "it, and funded professional advice for the hardest parts, such as legal and financial work.",
            "Start by [contacting the support team](/contact/support-team/) to talk about where you are.",
        ),
        ("business-planning", "finance-and-investment"),
        ("exploring", "building-support"),
    ),
    DemoResource(
        "right-to-provide",
        "The Right to Provide",
        "How staff can ask to take over the service they deliver, and what happens when they do.",
        body(
            "Rights to Provide let employees in parts of the public sector propose to take over their service as a "
            "mutual. The employer must consider the proposal seriously and explain its decision.",
            "## Before you make a proposal\n\n- talk to colleagues and managers first\n- sketch how the service "
            "would be run and paid for\n- ask the support team for an early view",
        ),
        ("procurement-and-commissioning", "stakeholder-and-staff-engagement"),
        ("exploring", "building-support"),
        ("community-health", "adult-social-care"),
        "Department of Health",
        "Right to Provide: hints for staff starting out (PDF)",
    ),
    DemoResource(
        "mutuals-taskforce-next-steps",
        "Public service mutuals: the next steps",
        "The independent Mutuals Taskforce's case for mutuals, the progress made and its recommendations.",
        body(
            "The Taskforce's report sets out why mutuals can deliver better services, what had been achieved by the "
            "time it reported, and what government, commissioners and mutuals should do to help more of them start "
            "and grow.",
        ),
        ("leadership", "social-value"),
        ("exploring",),
        (),
        "The Mutuals Taskforce",
        "Read the report (PDF)",
    ),
    DemoResource(
        "the-evidence-for-mutuals",
        "The evidence for public service mutuals",
        "A briefing on what is known about mutuals' performance, from the public and private sectors and abroad.",
        body(
            "Useful when you need to convince a board, a council or a sceptical colleague: it brings together the "
            "evidence on productivity, staff engagement and service quality in employee-owned organisations.",
        ),
        ("stakeholder-and-staff-engagement", "leadership"),
        ("exploring", "building-support"),
        (),
        "Cabinet Office",
        "Read the briefing (PDF)",
    ),
    DemoResource(
        "bringing-staff-with-you",
        "Bringing staff with you",
        "How to talk to colleagues about spinning out, answer their worries and give them a real say from day one.",
        body(
            "Staff worry first about their jobs, their pay and their pensions. Be clear early about what TUPE "
            "protects, and about what is not yet decided.",
            "## What works\n\n- open meetings, repeated, with the same answers each time\n- a staff group that "
            "shapes the plan, not just hears about it\n- involving the unions from the start\n- writing down the "
            "questions and publishing the answers",
            "Engagement is not a phase: the mutual will be run with these people.",
        ),
        ("stakeholder-and-staff-engagement", "hr"),
        ("building-support",),
    ),
    DemoResource(
        "employee-engagement-and-voice",
        "Employee engagement and voice",
        "An overview of partnership, information and consultation, representation and voice, and how they fit "
        "together.",
        body(
            "Employee control is what makes a mutual a mutual. This overview explains the ways staff can be "
            "informed, consulted and represented, and how to build them into your governance.",
        ),
        ("stakeholder-and-staff-engagement", "legal-form-and-governance"),
        ("building-support", "developing"),
        (),
        "Involvement and Participation Association",
        "Read the guide (PDF)",
    ),
    DemoResource(
        "working-with-your-commissioner",
        "Working with your commissioner",
        "How to raise spinning out with the body that pays for your service, and keep it on side.",
        body(
            "Your commissioner decides whether the mutual gets the contract. Raise the idea early, explain what "
            "will be better for the people who use the service, and ask what they need to see.",
            "Councils have been encouraged to consider mutuals for their services, so many will be open to the "
            "conversation, but they must also follow procurement rules. Read [procurement options for new "
            "mutuals](/guidance/procurement-options-for-new-mutuals/).",
        ),
        ("procurement-and-commissioning", "stakeholder-and-staff-engagement"),
        ("building-support",),
    ),
    DemoResource(
        "councils-and-social-enterprise",
        "Councils and social enterprise",
        "A guide for people in local authorities on working with social enterprises for their communities.",
        body(
            "Written for council officers, it gives practical advice on commissioning from social enterprises and "
            "mutuals, and on supporting teams that want to spin out.",
        ),
        ("procurement-and-commissioning",),
        ("building-support",),
        ("adult-social-care", "childrens-social-care", "youth-services", "libraries-and-culture"),
        "Social Enterprise UK",
        "Read the guide (PDF)",
    ),
    DemoResource(
        "writing-your-business-plan",
        "Writing your business plan",
        "What a realistic business plan for a new mutual covers, and how to use it once you are trading.",
        body(
            "A business plan describes the organisation, what it will do, the market it works in, its strategy and "
            "its financial forecasts. You will use it to win the contract, raise money and measure progress.",
            "## Cover at least\n\n- the service, its users and what will change\n- who pays, and how sure that "
            "income is\n- the team and how it will be led\n- costs, including the ones the council paid for "
            "before\n- three to five years of cash flow\n- the risks and what you will do about them",
        ),
        ("business-planning", "finance-and-investment"),
        ("developing",),
    ),
    DemoResource(
        "business-plan-template",
        "Business plan template",
        "A template with headings and prompts, so you do not start from a blank page.",
        body("Fill it in with your team: the conversations it starts matter as much as the document."),
        ("business-planning",),
        ("developing",),
        (),
        "Mutual Support Programme",
        "Download the template (Word)",
    ),
    DemoResource(
        "assets-and-equipment",
        "Assets and equipment",
        "Buildings, vehicles, computers and furniture: what to take with you, buy, lease or leave.",
        body(
            "A new organisation may need to buy or lease what the service uses today. List everything, agree with "
            "the parent body what transfers and on what terms, and put the cost in the business plan.",
        ),
        ("finance-and-investment", "business-planning"),
        ("developing", "preparing"),
    ),
    DemoResource(
        "choosing-a-legal-form",
        "Choosing a legal form",
        "Community interest company, co-operative, community benefit society or company: how they differ.",
        body(
            "The legal form sets who owns the mutual, how profits can be used and how staff control it.",
            "| Form | Owned by | Good for |\n|---|---|---|\n| Community interest company | members or "
            "shareholders | a clear social purpose with an asset lock |\n| Co-operative society | its members | "
            "one member, one vote |\n| Company limited by guarantee | its members | simple, flexible governance |",
            "Take legal advice before you decide: the form is hard to change later.",
        ),
        ("legal-form-and-governance",),
        ("developing",),
    ),
    DemoResource(
        "roadmap-to-employee-ownership",
        "A roadmap from public to employee ownership",
        "A high-level roadmap of the journey, with a short glossary of the terms you will meet.",
        body("Compiled by several employee-ownership bodies, it is a good map to keep beside this guide."),
        ("legal-form-and-governance", "business-planning"),
        ("exploring", "developing"),
        (),
        "Employee ownership bodies",
        "Read the roadmap (PDF)",
    ),
    DemoResource(
        "employee-ownership-review",
        "Review of employee ownership",
        "An independent review of employee ownership and what would help more organisations adopt it.",
        body("Explains the models of employee ownership and the barriers the review found."),
        ("legal-form-and-governance",),
        ("developing",),
        (),
        "Independent review for government",
        "Read the review (PDF)",
    ),
    DemoResource(
        "governance-for-new-mutuals",
        "Governance for new mutuals",
        "Boards, members and staff voice: how decisions will be made once you are independent.",
        body(
            "Decide who sits on the board, how staff members elect or appoint directors, what the board decides "
            "and what is left to managers, and how users and the community are heard.",
        ),
        ("legal-form-and-governance", "leadership"),
        ("developing", "recently-spun-out"),
    ),
    DemoResource(
        "funding-and-investment",
        "Funding and investment",
        "Working capital, loans, grants and social investment for a mutual's first years.",
        body(
            "Most new mutuals need money before the first contract payment arrives. Work out how much, for how "
            "long, and where it will come from: reserves, a loan from the parent body, social investors or grants.",
        ),
        ("finance-and-investment",),
        ("developing", "preparing"),
    ),
    DemoResource(
        "tupe-a-guide",
        "TUPE: a guide",
        "How the Transfer of Undertakings (Protection of Employment) Regulations protect staff who move to the mutual.",
        body(
            "When a service moves to a new employer, TUPE usually moves its staff too, on their existing terms and "
            "conditions. The old and new employers must inform and consult staff representatives.",
            "This guide explains the regulations in plain words. It is not legal advice.",
        ),
        ("tupe-and-employment", "hr"),
        ("preparing",),
        (),
        "Department for Business",
        "Read the TUPE guide (PDF)",
    ),
    DemoResource(
        "consulting-staff-about-the-transfer",
        "Consulting staff about the transfer",
        "The information and consultation TUPE requires, and a timetable that leaves room for it.",
        body(
            "Leave at least three months. Staff representatives must be told the date and reasons for the "
            "transfer, what it means for staff, and any measures the new employer plans.",
        ),
        ("tupe-and-employment", "stakeholder-and-staff-engagement"),
        ("preparing",),
    ),
    DemoResource(
        "fair-deal-for-pensions",
        "Fair Deal for pensions",
        "A broad overview of what Fair Deal means for staff pensions when a service leaves the public sector.",
        body(
            "Fair Deal protects the pensions of staff who move out of the public sector. Depending on the scheme, "
            "the mutual may need to join the public service scheme as an admitted body, or offer a broadly "
            "comparable one.",
            "Pensions are often the largest cost nobody expected: get actuarial advice early.",
        ),
        ("pensions",),
        ("preparing",),
        (),
        "Government Actuary's Department",
        "Read the overview (PDF)",
    ),
    DemoResource(
        "procurement-options-for-new-mutuals",
        "Procurement options for new mutuals",
        "The high-level routes by which a new mutual can be awarded the contract for its service.",
        body(
            "A commissioner must follow procurement law. This paper looks at the options, from a competitive "
            "tender to the routes that may allow a first contract for a mutual. It is not legal or commercial advice.",
        ),
        ("procurement-and-commissioning",),
        ("building-support", "preparing"),
        (),
        "Cabinet Office",
        "Read the paper (PDF)",
    ),
    DemoResource(
        "procurement-myths",
        "Working with the public sector: busting the myths",
        "Common misconceptions about public procurement and commissioning for social value, and the facts.",
        body("For social enterprises and the bodies that contract with them."),
        ("procurement-and-commissioning", "social-value"),
        ("preparing", "recently-spun-out"),
        (),
        "Social Enterprise Coalition",
        "Read the guide (PDF)",
    ),
    DemoResource(
        "back-office-services",
        "Back-office services",
        "Payroll, finance, IT and HR: run them yourselves, buy them in, or buy them back from the parent body.",
        body(
            "Today the council or trust provides these. A new mutual has to arrange them before day one. Some "
            "low-cost providers specialise in co-operatives and social enterprises, so you can concentrate on "
            "your service.",
            "- list every service you use now\n- get prices for each option\n- plan the switch-over weekend",
        ),
        ("back-office-support", "hr"),
        ("preparing",),
    ),
    DemoResource(
        "tax-for-new-mutuals",
        "Tax for new mutuals",
        "Registering for tax, VAT and what the tax rules mean for a new organisation delivering public services.",
        body(
            "HMRC's booklet for new businesses explains what to register for and when, with contacts for specific "
            "questions. Budgets sometimes include measures for mutuals: check the latest.",
        ),
        ("tax", "finance-and-investment"),
        ("preparing", "spinning-out"),
        (),
        "HM Revenue and Customs",
        "Read HMRC's booklet for new businesses (PDF)",
    ),
    DemoResource(
        "your-first-day-as-a-mutual",
        "Your first day as a mutual",
        "A checklist for the day the contract starts and staff transfer.",
        body(
            "- the contract is signed and the start date agreed\n- staff have their new contracts and know who to "
            "ask\n- payroll, bank account and insurance are in place\n- systems and data have moved\n- users know "
            "nothing will change on the day",
        ),
        ("business-planning", "back-office-support"),
        ("spinning-out",),
    ),
    DemoResource(
        "social-value",
        "Showing your social value",
        "How to measure and describe the wider good your mutual does, in the terms commissioners use.",
        body(
            "Commissioners must consider social value. Research with social enterprises and commissioners shows how "
            "to put a value on the wider effects of a service, in money where possible.",
        ),
        ("social-value", "procurement-and-commissioning"),
        ("spinning-out", "recently-spun-out", "established"),
    ),
    DemoResource(
        "winning-public-contracts",
        "Winning public contracts",
        "Lessons from successful bids by small organisations for government contracts.",
        body(
            "Read the tender carefully, answer the question asked, give evidence, and price honestly. Small "
            "organisations win when they show what they do better.",
        ),
        ("bid-writing", "procurement-and-commissioning"),
        ("recently-spun-out", "established"),
        (),
        "Crown Representative for small businesses",
        "Read the observations (PDF)",
    ),
    DemoResource(
        "telling-your-story",
        "Telling your mutual's story",
        "Marketing and communications for a young mutual: users, commissioners, staff and the local press.",
        body(
            "People need to know the service has not gone away: it is run by the same people, with more say. "
            "Plan what you will tell users, partners and the press before and after the start date.",
        ),
        ("marketing", "stakeholder-and-staff-engagement"),
        ("spinning-out", "recently-spun-out"),
    ),
    DemoResource(
        "leading-a-mutual",
        "Leading a mutual",
        "What changes for managers when the organisation is owned or controlled by its staff.",
        body(
            "Leaders of mutuals describe more conversations, fewer instructions, and faster decisions once trust "
            "is built. Peer support from other leaders helps: ask about the ambassadors programme.",
        ),
        ("leadership", "hr"),
        ("recently-spun-out", "established"),
    ),
)
