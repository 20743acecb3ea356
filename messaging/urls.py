from django.urls import URLPattern, URLResolver, path

from messaging import views
from messaging.views import agreements, conduct_reports, documents, groups, meetings

app_name = "messaging"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.relationship_detail, name="relationship_detail"),
    path("<int:pk>/messages/", views.conversation, name="conversation"),
    path("<int:pk>/messages/<int:message_pk>/report/", views.message_report, name="message_report"),
    path("<int:pk>/pause/", views.relationship_pause, name="relationship_pause"),
    path("<int:pk>/resume/", views.relationship_resume, name="relationship_resume"),
    path("<int:pk>/complete/", views.relationship_complete, name="relationship_complete"),
    path("<int:pk>/end/", views.relationship_end, name="relationship_end"),
    path("<int:pk>/new-mentor/", views.relationship_rematch, name="relationship_rematch"),
    path("<int:pk>/feedback/", views.feedback_give, name="feedback_give"),
    path("<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("<int:pk>/goals/<int:goal_pk>/", views.goal_update, name="goal_update"),
    path("<int:pk>/goals/<int:goal_pk>/agree/", views.goal_agree, name="goal_agree"),
    path("<int:pk>/check-ins/", views.check_in_list, name="check_in_list"),
    path("<int:pk>/check-ins/new/", views.check_in_create, name="check_in_create"),
    path("<int:pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("<int:pk>/meetings/<int:meeting_pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("<int:pk>/meetings/<int:meeting_pk>/accept/", meetings.meeting_accept, name="meeting_accept"),
    path("<int:pk>/meetings/<int:meeting_pk>/new-time/", meetings.meeting_suggest_time, name="meeting_suggest_time"),
    path("<int:pk>/meetings/<int:meeting_pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/meetings/<int:meeting_pk>/outcome/", meetings.meeting_outcome, name="meeting_outcome"),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/calendar.ics",
        meetings.meeting_calendar_file,
        name="meeting_calendar_file",
    ),
    path("<int:pk>/agreement/", agreements.agreement_detail, name="agreement_detail"),
    path("<int:pk>/agreement/propose/", agreements.agreement_propose, name="agreement_propose"),
    path("<int:pk>/agreement/confirm/", agreements.agreement_confirm, name="agreement_confirm"),
    path("<int:pk>/report-conduct/", conduct_reports.conduct_report_create, name="conduct_report_create"),
    path("programme/conduct-reports/<int:pk>/", conduct_reports.conduct_report_detail, name="conduct_report_detail"),
    path(
        "programme/conduct-reports/<int:pk>/close/", conduct_reports.conduct_report_close, name="conduct_report_close"
    ),
    path("<int:pk>/documents/", documents.document_list, name="document_list"),
    path("<int:pk>/documents/<int:document_pk>/download/", documents.document_download, name="document_download"),
    path("<int:pk>/documents/<int:document_pk>/delete/", documents.document_delete, name="document_delete"),
    path("calendar/", meetings.calendar_feed_settings, name="calendar_feed_settings"),
    path("calendar/<str:token>.ics", meetings.calendar_feed, name="calendar_feed"),
    path("groups/", groups.group_list, name="group_list"),
    path("groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path(
        "groups/<int:pk>/messages/<int:message_pk>/report/",
        groups.group_message_report,
        name="group_message_report",
    ),
    path("groups/<int:pk>/goals/new/", groups.group_goal_create, name="group_goal_create"),
    path("groups/<int:pk>/goals/<int:goal_pk>/", groups.group_goal_update, name="group_goal_update"),
    path("groups/<int:pk>/meetings/new/", groups.group_meeting_create, name="group_meeting_create"),
    path("groups/<int:pk>/meetings/<int:meeting_pk>/cancel/", groups.group_meeting_cancel, name="group_meeting_cancel"),
    path("groups/<int:pk>/leave/", groups.group_leave, name="group_leave"),
    path("groups/<int:pk>/close/", groups.group_close, name="group_close"),
    path("groups/<int:pk>/feedback/<int:place_pk>/", groups.group_feedback, name="group_feedback"),
    path("programme/groups/", groups.staff_group_list, name="staff_group_list"),
    path("programme/groups/new/<int:topic_pk>/", groups.staff_group_create, name="staff_group_create"),
    path("programme/", views.staff_relationship_list, name="staff_relationship_list"),
    path("programme/<int:pk>/", views.staff_relationship_detail, name="staff_relationship_detail"),
    path("programme/reports/", views.moderation_report_list, name="moderation_report_list"),
    path("programme/reports/<int:pk>/", views.moderation_report_detail, name="moderation_report_detail"),
    path("programme/reports/<int:pk>/hide/", views.moderation_message_hide, name="moderation_message_hide"),
    path("programme/reports/<int:pk>/suspend/", views.moderation_account_suspend, name="moderation_account_suspend"),
    path("programme/reports/<int:pk>/dismiss/", views.moderation_report_dismiss, name="moderation_report_dismiss"),
    path("programme/reports/<int:pk>/restore/", views.moderation_message_restore, name="moderation_message_restore"),
    path(
        "programme/reports/<int:pk>/reinstate/", views.moderation_account_reinstate, name="moderation_account_reinstate"
    ),
]
