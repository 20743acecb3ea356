"""The public directory of ambassadors, their profiles and photos."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ambassadors import selectors
from ambassadors.filters import AmbassadorDirectoryFilter
from ambassadors.views.common import DIRECTORY_PAGE_SIZE, _paged

# --- Public directory --------------------------------------------------------------------------------------


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    filterset = AmbassadorDirectoryFilter(request.GET or None, queryset=selectors.directory_ambassadors())
    return render(
        request,
        "ambassadors/ambassador_list.html",
        {
            "filter": filterset,
            **_paged(request, filterset.qs, DIRECTORY_PAGE_SIZE),
        },
    )


@require_GET
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    ambassador = get_object_or_404(selectors.directory_ambassadors(), pk=pk)
    return render(request, "ambassadors/ambassador_detail.html", {"ambassador": ambassador})


@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A listed ambassador's photo, served by the application so it works wherever the site runs.

    Uploaded files are never served from MEDIA_URL in production; only photos that passed the upload checks
    (re-encoded JPEG or PNG) of ambassadors in the public directory are reachable, by id.
    """
    ambassador = get_object_or_404(selectors.directory_ambassadors(), pk=pk)
    if not ambassador.photo:
        raise Http404("No photo")
    content_type = "image/png" if (ambassador.photo.name or "").lower().endswith(".png") else "image/jpeg"
    response = FileResponse(ambassador.photo.open("rb"), content_type=content_type)
    # Private: the response may carry the visitor's session cookie, which a shared cache must never keep.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
