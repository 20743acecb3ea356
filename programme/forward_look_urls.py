"""The public forward look and its open data, at /forward-look/."""

from django.urls import path

from programme import forward_look_views as views

app_name = "forward_look"

urlpatterns = [
    path("", views.forward_look, name="page"),
    path("counts.csv", views.counts_csv, name="counts_csv"),
    path("mutuals.csv", views.mutuals_csv, name="mutuals_csv"),
    path("data.json", views.data_json, name="data_json"),
]
