from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", views.survey_answer, name="survey_answer"),
    path("summary/", views.summary, name="summary"),
]
