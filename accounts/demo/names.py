"""Word lists for plausible demo data: places, organisation name patterns, people's names, job titles, and the
weights that skew topics, regions, legal forms and stages the way real requests are skewed."""

from __future__ import annotations

from accounts.models import Mutual

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
