from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("mentors/", views.mentor_directory, name="mentor_directory"),
    path("mutuals/", views.mutual_directory, name="mutual_directory"),
    path("programme/vetting/", views.vetting_queue, name="vetting_queue"),
]
