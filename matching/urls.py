from django.urls import URLPattern, URLResolver, path

from matching import views

app_name = "matching"

urlpatterns: list[URLPattern | URLResolver] = [
    # The mutual's requests
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/choose/", views.request_choose, name="request_choose"),
    path(
        "requests/<int:pk>/introductions/<int:introduction_pk>/withdraw/",
        views.introduction_withdraw,
        name="introduction_withdraw",
    ),
    # The mentor's introductions
    path("introductions/", views.introduction_list, name="introduction_list"),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction_detail"),
    path("introductions/<int:pk>/accept/", views.introduction_accept, name="introduction_accept"),
    path("introductions/<int:pk>/decline/", views.introduction_decline, name="introduction_decline"),
    # Programme team
    path("staff/needs-attention/", views.attention_queue, name="attention_queue"),
    path("staff/requests/<int:pk>/", views.staff_request_detail, name="staff_request_detail"),
    path("staff/requests/<int:pk>/introduce/", views.staff_introduce, name="staff_introduce"),
    path("staff/requests/<int:pk>/no-match/", views.staff_no_match, name="staff_no_match"),
    path("staff/runs/", views.run_list, name="run_list"),
    path("staff/runs/start/", views.run_start, name="run_start"),
    path("staff/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("staff/runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("staff/weights/", views.weights, name="weights"),
    path("staff/batches/", views.batch_list, name="batch_list"),
    path("staff/batches/new/", views.batch_create, name="batch_create"),
    path("staff/batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("staff/batches/<int:pk>/remove/", views.batch_remove_pair, name="batch_remove_pair"),
    path("staff/batches/<int:pk>/publish/", views.batch_publish, name="batch_publish"),
    path("staff/batches/<int:pk>/discard/", views.batch_discard, name="batch_discard"),
]
