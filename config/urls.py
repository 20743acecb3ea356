from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

admin.site.site_header = "Mutuals mentoring: administration"
admin.site.site_title = "Mutuals mentoring admin"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("pages.urls")),
    path("account/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("matching/", include("matching.urls")),
    path("relationships/", include("messaging.urls")),
    path("ambassadors/", include("ambassadors.urls")),
    path("programme/", include("programme.urls")),
    path("django-admin/", admin.site.urls),
]

handler404 = "pages.views.page_not_found"
handler500 = "pages.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
