from django.urls import URLPattern, URLResolver, path

from information import views

app_name = "information"

urlpatterns: list[URLPattern | URLResolver] = [
    # Public: the guide, guidance, case studies
    path("how-to-set-up-a-mutual/", views.guide, name="guide"),
    path("guidance/", views.resource_list, name="resource_list"),
    path("guidance/<slug:slug>/", views.resource_detail, name="resource_detail"),
    path("case-studies/", views.case_study_list, name="case_study_list"),
    path("case-studies/<slug:slug>/", views.case_study_detail, name="case_study_detail"),
    # Public: asking the support team, feedback, the readiness check
    path("contact/support-team/", views.enquiry_create, name="enquiry_create"),
    path("contact/support-team/sent/", views.enquiry_sent, name="enquiry_sent"),
    path("feedback/", views.feedback, name="feedback"),
    path("feedback/sent/", views.feedback_sent, name="feedback_sent"),
    path("readiness-check/", views.readiness_start, name="readiness_start"),
    path("readiness-check/check-your-answers/", views.readiness_check, name="readiness_check"),
    path("readiness-check/result/", views.readiness_result, name="readiness_result"),
    path("readiness-check/save/", views.readiness_save, name="readiness_save"),
    path("readiness-check/<slug:key>/", views.readiness_question, name="readiness_question"),
    # The link in an enquiry's invitation
    path("enquiry-invitations/<str:token>/", views.invitation, name="invitation"),
    # Programme team: the enquiry queue
    path("information/enquiries/", views.enquiry_queue, name="enquiry_queue"),
    path("information/enquiries/<int:pk>/", views.enquiry_detail, name="enquiry_detail"),
    path("information/enquiries/<int:pk>/assign/", views.enquiry_assign, name="enquiry_assign"),
    path("information/enquiries/<int:pk>/reply/", views.enquiry_reply, name="enquiry_reply"),
    path("information/enquiries/<int:pk>/close/", views.enquiry_close, name="enquiry_close"),
    path("information/enquiries/<int:pk>/reopen/", views.enquiry_reopen, name="enquiry_reopen"),
    path("information/enquiries/<int:pk>/invite/", views.enquiry_invite, name="enquiry_invite"),
    # Programme team: guidance pages
    path("information/guidance/", views.resource_staff_list, name="resource_staff_list"),
    path("information/guidance/new/", views.resource_create, name="resource_create"),
    path("information/guidance/due-for-review/", views.resource_review_list, name="resource_review_list"),
    path("information/guidance/<int:pk>/", views.resource_preview, name="resource_preview"),
    path("information/guidance/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("information/guidance/<int:pk>/publish/", views.resource_publish, name="resource_publish"),
    path("information/guidance/<int:pk>/unpublish/", views.resource_unpublish, name="resource_unpublish"),
    path("information/guidance/<int:pk>/reviewed/", views.resource_reviewed, name="resource_reviewed"),
    # Programme team: the guide's tasks
    path("information/guide/", views.guide_manage, name="guide_manage"),
    path("information/guide/tasks/new/", views.guide_task_create, name="guide_task_create"),
    path("information/guide/tasks/<int:pk>/", views.guide_task_edit, name="guide_task_edit"),
    path("information/guide/tasks/<int:pk>/remove/", views.guide_task_delete, name="guide_task_delete"),
    # Programme team: case studies
    path("information/case-studies/", views.case_study_staff_list, name="case_study_staff_list"),
    path("information/case-studies/new/", views.case_study_create, name="case_study_create"),
    path(
        "information/case-studies/from-relationship/<int:relationship_pk>/",
        views.case_study_draft,
        name="case_study_draft",
    ),
    path("information/case-studies/<int:pk>/", views.case_study_preview, name="case_study_preview"),
    path("information/case-studies/<int:pk>/edit/", views.case_study_edit, name="case_study_edit"),
    path("information/case-studies/<int:pk>/consent/", views.case_study_consent, name="case_study_consent"),
    path(
        "information/case-studies/<int:pk>/consent/withdraw/",
        views.case_study_consent_withdraw,
        name="case_study_consent_withdraw",
    ),
    path("information/case-studies/<int:pk>/publish/", views.case_study_publish, name="case_study_publish"),
    path("information/case-studies/<int:pk>/unpublish/", views.case_study_unpublish, name="case_study_unpublish"),
]
