from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("welcome/", views.onboarding, name="onboarding"),
    # Mutuals and their members
    path("mutuals/", views.mutual_directory, name="mutual_directory"),
    path("mutuals/new/", views.mutual_create, name="mutual_create"),
    path("mutuals/<slug:slug>/", views.mutual_detail, name="mutual_detail"),
    path("mutuals/<slug:slug>/edit/", views.mutual_edit, name="mutual_edit"),
    path("mutuals/<slug:slug>/members/", views.mutual_members, name="mutual_members"),
    path("mutuals/<slug:slug>/stage/", views.mutual_stage, name="mutual_stage"),
    path("mutuals/<slug:slug>/members/leave/", views.membership_leave, name="membership_leave"),
    path(
        "mutuals/<slug:slug>/invitations/<int:invitation_id>/withdraw/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    # Claiming a mutual nobody has joined yet (accounts.claims)
    path("mutuals/<slug:slug>/claim/", views.claim_ask, name="claim_ask"),
    path("mutuals/<slug:slug>/claim/invite/", views.claim_invite, name="claim_invite"),
    path(
        "mutuals/<slug:slug>/claim/invitations/<int:invitation_id>/withdraw/",
        views.claim_invitation_withdraw,
        name="claim_invitation_withdraw",
    ),
    path("programme/claims/", views.claim_request_list, name="claim_request_list"),
    path("programme/claims/<int:pk>/", views.claim_request_decide, name="claim_request_decide"),
    path("invitations/<slug:token>/", views.invitation_accept, name="invitation_accept"),
    # Mentors
    path("mentors/", views.mentor_directory, name="mentor_directory"),
    path("mentors/<int:profile_id>/", views.mentor_detail, name="mentor_detail"),
    path("mentor-profile/", views.mentor_profile, name="mentor_profile"),
    path("mentor-profile/new/", views.mentor_profile_create, name="mentor_profile_create"),
    path("mentor-profile/edit/", views.mentor_profile_edit, name="mentor_profile_edit"),
    path("mentor-profile/pause/", views.mentor_pause, name="mentor_pause"),
    path("mentor-profile/resume/", views.mentor_resume, name="mentor_resume"),
    # The mentors' code of conduct and handbook
    path("code-of-conduct/", views.code_of_conduct, name="code_of_conduct"),
    path("code-of-conduct/accept/", views.code_of_conduct_accept, name="code_of_conduct_accept"),
    path("mentor-handbook/", views.mentor_handbook, name="mentor_handbook"),
    # Notices and email choices (the account area; allauth's own pages are also under /account/)
    path("account/notices/", views.notice_list, name="notice_list"),
    path("account/notices/read-all/", views.notice_read_all, name="notice_read_all"),
    path("account/notices/<int:pk>/read/", views.notice_read, name="notice_read"),
    path("account/emails/", views.email_preferences, name="email_preferences"),
    path("account/emails/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("account/your-data/", views.personal_data, name="personal_data"),
    path("account/your-data/download/", views.personal_data_download, name="personal_data_download"),
    path("account/delete/", views.account_delete, name="account_delete"),
    # The session time-out warning
    path("session/time-left/", views.session_status, name="session_status"),
    path("session/stay-signed-in/", views.session_extend, name="session_extend"),
    # Programme team
    path("programme/vetting/", views.vetting_queue, name="vetting_queue"),
    path("programme/vetting/<int:profile_id>/", views.vetting_detail, name="vetting_detail"),
    path("programme/lists/", views.taxonomy, name="taxonomy"),
    path("programme/lists/service-areas/new/", views.service_area_add, name="service_area_add"),
    path("programme/lists/topics/new/", views.topic_add, name="topic_add"),
    path(
        "programme/lists/<slug:kind>/<int:term_id>/withdraw/",
        views.taxonomy_set_active,
        {"active": False},
        name="taxonomy_deactivate",
    ),
    path(
        "programme/lists/<slug:kind>/<int:term_id>/reinstate/",
        views.taxonomy_set_active,
        {"active": True},
        name="taxonomy_reactivate",
    ),
]
