"""The readiness check: a short self-assessment, one question per page, and what its answers suggest.

Pure: questions, validation and the result are plain Python, with no database and no request. The answers travel
in the pages' query strings (`?people=started&commissioner=yes...`), so nothing is stored while someone works
through the check; they are kept only when the person sends them with an enquiry or saves them to their mutual's
profile (information/services/readiness.py).

Each question is about one support topic of the shared taxonomy and one step of the guide; each answer scores
0 (not started), 1 (under way) or 2 (done). A topic's result follows its score, and the next step follows the
weakest answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Answer:
    value: str
    label: str
    score: int  # 0, 1 or 2


@dataclass(frozen=True)
class Question:
    key: str  # the query-string name
    text: str  # the page's heading
    hint: str
    topic_slug: str  # accounts/taxonomy.py SUPPORT_TOPICS
    guide_step: int  # accounts/taxonomy.py STAGES: where the guide deals with it
    short: str  # how "check your answers" names it
    answers: tuple[Answer, ...]

    def answer(self, value: str | None) -> Answer | None:
        return next((answer for answer in self.answers if answer.value == value), None)


def _answers(done: str, started: str, not_yet: str) -> tuple[Answer, ...]:
    return (
        Answer("yes", done, 2),
        Answer("started", started, 1),
        Answer("no", not_yet, 0),
        Answer("unsure", "I do not know", 0),
    )


QUESTIONS: tuple[Question, ...] = (
    Question(
        "people",
        "Have you talked to your colleagues about becoming a mutual?",
        "A mutual is run with its staff, so most of them need to want it.",
        "stakeholder-and-staff-engagement",
        2,
        "Colleagues",
        _answers("Yes, and most of them support the idea", "We have started talking about it", "Not yet"),
    ),
    Question(
        "commissioner",
        "Does the body that pays for your service know about your plans?",
        "This is usually the council, trust or department that commissions the service today.",
        "procurement-and-commissioning",
        2,
        "Commissioner",
        _answers("Yes, and they are open to it", "We have raised it with them", "Not yet"),
    ),
    Question(
        "business_plan",
        "Do you have a business plan for the new organisation?",
        "What it will do, who will pay for it, and its finances for the first three to five years.",
        "business-planning",
        3,
        "Business plan",
        _answers("Yes, a full plan", "A first draft or an outline", "Not yet"),
    ),
    Question(
        "legal_form",
        "Have you chosen a legal form and how staff will control the mutual?",
        "For example a community interest company or a co-operative society, and how its board is chosen.",
        "legal-form-and-governance",
        3,
        "Legal form and governance",
        _answers("Yes, we have decided", "We are looking at the options", "Not yet"),
    ),
    Question(
        "finance",
        "Do you know how the mutual will be funded in its first years?",
        "Working capital, any loans or grants, and what happens to assets and equipment.",
        "finance-and-investment",
        3,
        "Funding",
        _answers("Yes", "Partly", "Not yet"),
    ),
    Question(
        "tupe",
        "Do you know how staff will transfer to the new organisation?",
        "Staff usually move under TUPE, which protects their terms and conditions.",
        "tupe-and-employment",
        4,
        "Staff transfer (TUPE)",
        _answers("Yes, we have taken advice", "We know the basics", "Not yet"),
    ),
    Question(
        "pensions",
        "Do you know what will happen to staff pensions?",
        "Fair Deal may require staff to keep access to a public service pension scheme.",
        "pensions",
        4,
        "Pensions",
        _answers("Yes, it is agreed", "We are working on it", "Not yet"),
    ),
    Question(
        "back_office",
        "Have you planned the services the council or trust provides today, such as payroll, IT and HR?",
        "A new organisation has to run them itself or buy them in.",
        "back-office-support",
        4,
        "Back office",
        _answers("Yes", "Some of them", "Not yet"),
    ),
)
QUESTIONS_BY_KEY = {question.key: question for question in QUESTIONS}
MAX_SCORE = 2 * len(QUESTIONS)


class Level(Enum):
    READY = "ready"
    UNDER_WAY = "under_way"
    START = "start"

    @property
    def label(self) -> str:
        return {"ready": "In hand", "under_way": "Under way", "start": "Start here"}[self.value]

    @property
    def colour(self) -> str:
        return {"ready": "green", "under_way": "yellow", "start": "red"}[self.value]


def clean(answers: Mapping[str, str]) -> dict[str, str]:
    """Only known questions with known answers: anything else in the query string or a form is ignored."""
    return {
        question.key: value
        for question in QUESTIONS
        if (value := answers.get(question.key)) is not None and question.answer(value) is not None
    }


def first_unanswered(answers: Mapping[str, str]) -> Question | None:
    return next((question for question in QUESTIONS if question.key not in answers), None)


def previous_question(question: Question) -> Question | None:
    index = QUESTIONS.index(question)
    return QUESTIONS[index - 1] if index else None


def next_question(question: Question) -> Question | None:
    index = QUESTIONS.index(question)
    return QUESTIONS[index + 1] if index + 1 < len(QUESTIONS) else None


def is_complete(answers: Mapping[str, str]) -> bool:
    return first_unanswered(clean(answers)) is None


@dataclass(frozen=True)
class TopicResult:
    question: Question
    answer: Answer
    level: Level


class NextStep(Enum):
    READ_GUIDE = "read_guide"
    TALK_TO_AMBASSADOR = "talk_to_ambassador"
    ASK_FOR_MENTOR = "ask_for_mentor"
    CONTACT_SUPPORT = "contact_support"


@dataclass(frozen=True)
class Result:
    topics: tuple[TopicResult, ...]
    score: int
    next_step: NextStep
    guide_step: int  # the first step of the guide with work to do (5 when everything is in hand)

    @property
    def to_work_on(self) -> tuple[TopicResult, ...]:
        return tuple(topic for topic in self.topics if topic.level is not Level.READY)

    @property
    def topic_slugs_to_work_on(self) -> list[str]:
        return [topic.question.topic_slug for topic in self.to_work_on]


def result(answers: Mapping[str, str]) -> Result:
    """What complete answers suggest. Raises ValueError when a question has no (valid) answer."""
    answers = clean(answers)
    missing = first_unanswered(answers)
    if missing is not None:
        raise ValueError(f"the readiness check has no answer for {missing.key!r}")
    topics = []
    for question in QUESTIONS:
        answer = question.answer(answers[question.key])
        assert answer is not None  # clean() kept known answers only
        level = Level.READY if answer.score == 2 else Level.UNDER_WAY if answer.score == 1 else Level.START
        topics.append(TopicResult(question, answer, level))
    score = sum(topic.answer.score for topic in topics)
    weak = [topic for topic in topics if topic.level is Level.START]
    guide_step = min((topic.question.guide_step for topic in topics if topic.level is not Level.READY), default=5)
    return Result(tuple(topics), score, _next_step(score, weak, guide_step), guide_step)


def _next_step(score: int, weak: list[TopicResult], guide_step: int) -> NextStep:
    # Early on, the guide is the best place to start; a team that has not yet won its colleagues or commissioner
    # over gains most from someone who has (an ambassador); a team with a plan and a few gaps needs a mentor on
    # them; a team with everything in hand should tell the support team where it is, to be pointed on.
    if score < MAX_SCORE // 4:
        return NextStep.READ_GUIDE
    if guide_step <= 2 and any(topic.question.guide_step == 2 for topic in weak):
        return NextStep.TALK_TO_AMBASSADOR
    if weak or score < MAX_SCORE:
        return NextStep.ASK_FOR_MENTOR
    return NextStep.CONTACT_SUPPORT
