from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a request context: the failure may be in a context processor or the database.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse({"status": "ok"})
