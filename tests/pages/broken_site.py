"""The project's URLs plus one view that fails, and a context processor that fails, to see the 500 page as a
visitor would."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def broken_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("something went wrong deep inside")


def broken_context_processor(request: HttpRequest) -> dict[str, object]:
    raise RuntimeError("context processor broke")


urlpatterns = [*project_urlpatterns, path("broken/", broken_view)]

handler404 = "pages.views.page_not_found"
handler500 = "pages.views.server_error"
