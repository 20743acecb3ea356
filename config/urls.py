from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from accounts import views as account_views

admin.site.site_header = "Mutuals mentoring: administration"
admin.site.site_title = "Mutuals mentoring admin"
# The admin has no sign-in form of its own: it sends people to the service's sign-in (allauth: rate limits and the
# second factor). accounts.middleware.StaffSecondFactorMiddleware ends any staff session that skipped the code.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("pages.urls")),
    # Before allauth's own: turning the authenticator app off needs the second factor again (accounts/two_factor.py).
    path("account/2fa/totp/deactivate/", account_views.totp_deactivate, name="mfa_deactivate_totp"),
    # ...and so does removing a security key; staff keep at least one.
    path("account/2fa/webauthn/keys/<int:pk>/remove/", account_views.webauthn_remove, name="mfa_remove_webauthn"),
    path("account/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("matching/", include("matching.urls")),
    path("relationships/", include("messaging.urls")),
    # Files that emails sent through GOV.UK Notify link to (it cannot attach them): signed, expiring links.
    path("email/", include("notifications.urls")),
    path("ambassadors/", include("ambassadors.urls")),
    # The public information service (guide, guidance, case studies, contact, readiness) and its staff pages.
    path("", include("information.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("programme/", include("programme.urls")),
    # The public forward look of mutuals in the pipeline, and its open data.
    path("forward-look/", include("programme.forward_look_urls")),
    path("django-admin/", admin.site.urls),
]

handler404 = "pages.views.page_not_found"
handler500 = "pages.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
