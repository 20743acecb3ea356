from django.urls import URLPattern, URLResolver, path

from notifications import views

app_name = "notifications"

urlpatterns: list[URLPattern | URLResolver] = [
    path("files/<str:signed>/", views.email_file, name="email_file"),
]
