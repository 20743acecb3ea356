from django.urls import path

from ambassadors import views

app_name = "ambassadors"

urlpatterns = [
    # Public
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.profile, name="profile"),
    path("<int:pk>/photo/", views.photo, name="photo"),
    # Applying and nominating
    path("apply/", views.apply_start, name="apply_start"),
    path("cohorts/<int:cohort_pk>/apply/", views.application_create, name="application_create"),
    path("cohorts/<int:cohort_pk>/nominate/", views.nominate, name="nominate"),
    path("nominations/<slug:token>/", views.nomination_accept, name="nomination_accept"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    # The ambassador's own pages
    path("profile/", views.profile_edit, name="profile_edit"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation_detail"),
    # Engagement requests
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/log/", views.engagement_log, name="engagement_log"),
    # Programme team
    path("programme/applications/", views.pipeline, name="pipeline"),
    path("programme/applications/<int:pk>/", views.review, name="review"),
    path("programme/cohorts/", views.cohort_list, name="cohort_list"),
    path("programme/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("programme/cohorts/<int:pk>/", views.cohort_edit, name="cohort_edit"),
    path("programme/ambassadors/<int:pk>/stand-down/", views.stand_down, name="stand_down"),
    path("programme/emerging-mutuals/", views.emerging_projects, name="emerging_projects"),
    path("programme/emerging-mutuals/add/", views.emerging_project_add, name="emerging_project_add"),
    path("programme/reports/", views.reports, name="reports"),
    path("programme/reports.csv", views.reports_csv, name="reports_csv"),
]
