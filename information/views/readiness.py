"""The readiness check: GOV.UK question pages, one question per page, with back links and "check your answers".

The answers so far travel in the query string of each page (the question forms are GET forms carrying them as
hidden fields), so no account, cookie or session is needed and nothing is stored. They are kept only when the
person saves them to their mutual's profile (readiness_save) or sends them with an enquiry.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts import selectors as account_selectors
from accounts.decorators import mutual_member_required
from accounts.http import AuthenticatedRequest
from accounts.models import SupportTopic
from information import readiness, selectors, services
from information.forms import ReadinessQuestionForm

RESOURCES_PER_TOPIC = 3


def _answers(request: HttpRequest) -> dict[str, str]:
    return readiness.clean(request.GET.dict())


def _url(name: str, answers: dict[str, str], **kwargs: str) -> str:
    query = urlencode(answers)
    return reverse(f"information:{name}", kwargs=kwargs or None) + (f"?{query}" if query else "")


def question_url(question: readiness.Question, answers: dict[str, str], *, change: bool = False) -> str:
    url = _url("readiness_question", answers, key=question.key)
    return url + ("&" if "?" in url else "?") + "change=1" if change else url


@require_safe
def readiness_start(request: HttpRequest) -> HttpResponse:
    context = {"first_url": question_url(readiness.QUESTIONS[0], {}), "count": len(readiness.QUESTIONS)}
    return render(request, "information/readiness_start.html", context)


@require_safe
def readiness_question(request: HttpRequest, key: str) -> HttpResponse:
    question = readiness.QUESTIONS_BY_KEY.get(key)
    if question is None:
        raise Http404("No such question")
    answers = _answers(request)
    changing = request.GET.get("change") == "1"
    others = {name: value for name, value in answers.items() if name != key}
    form = ReadinessQuestionForm(
        {"answer": request.GET.get("answer", "")} if request.GET.get("submitted") else None,
        initial={"answer": answers.get(key)},
        question=question,
    )
    if form.is_valid():
        answers = {**others, key: form.cleaned_data["answer"]}
        following = readiness.next_question(question)
        if changing or following is None:
            return redirect(_url("readiness_check", answers))
        return redirect(question_url(following, answers))
    previous = readiness.previous_question(question)
    if changing:
        back_url = _url("readiness_check", answers)
    elif previous is not None:
        back_url = question_url(previous, answers)
    else:
        back_url = reverse("information:readiness_start")
    context = {
        "question": question,
        "number": readiness.QUESTIONS.index(question) + 1,
        "count": len(readiness.QUESTIONS),
        "form": form,
        "carried": others,
        "changing": changing,
        "back_url": back_url,
    }
    return render(request, "information/readiness_question.html", context)


@require_safe
def readiness_check(request: HttpRequest) -> HttpResponse:
    answers = _answers(request)
    missing = readiness.first_unanswered(answers)
    if missing is not None:
        return redirect(question_url(missing, answers))
    rows = [
        (question, question.answer(answers[question.key]), question_url(question, answers, change=True))
        for question in readiness.QUESTIONS
    ]
    context = {
        "rows": rows,
        "result_url": _url("readiness_result", answers),
        "back_url": question_url(readiness.QUESTIONS[-1], answers),
    }
    return render(request, "information/readiness_check.html", context)


@require_safe
def readiness_result(request: HttpRequest) -> HttpResponse:
    answers = _answers(request)
    missing = readiness.first_unanswered(answers)
    if missing is not None:
        return redirect(question_url(missing, answers))
    result = readiness.result(answers)
    # Up to three published pages for each topic to work on, all fetched at once.
    top = selectors.published_resources().defer("body", "search_vector").order_by("title")[:RESOURCES_PER_TOPIC]
    topics = {
        topic.slug: topic
        for topic in SupportTopic.objects.filter(slug__in=result.topic_slugs_to_work_on).prefetch_related(
            Prefetch("resources", queryset=top, to_attr="reading")
        )
    }
    user = request.user
    context = {
        "result": result,
        "rows": [(topic_result, topics.get(topic_result.question.topic_slug)) for topic_result in result.to_work_on],
        "in_hand": [topic for topic in result.topics if topic.level is readiness.Level.READY],
        "encoded": urlencode(answers),
        "answers": answers,
        "check_url": _url("readiness_check", answers),
        "weakest_topics": result.topic_slugs_to_work_on[:3],
        "mutuals": list(account_selectors.mutuals_for(user)) if user.is_authenticated else [],
        "max_score": readiness.MAX_SCORE,
    }
    return render(request, "information/readiness_result.html", context)


@require_POST
@mutual_member_required
def readiness_save(request: AuthenticatedRequest) -> HttpResponse:
    answers = readiness.clean(request.POST.dict())
    mutual_id = request.POST.get("mutual", "")
    mutual = get_object_or_404(
        account_selectors.mutuals_for(request.user), pk=int(mutual_id) if mutual_id.isdigit() else 0
    )
    try:
        services.readiness_save(mutual=mutual, user=request.user, answers=answers)
    except services.InformationError as error:
        messages.error(request, str(error))
        return redirect(_url("readiness_result", answers))
    messages.success(request, f"Your readiness check is saved on the profile of {mutual.name}.")
    return redirect("accounts:mutual_detail", slug=mutual.slug)
