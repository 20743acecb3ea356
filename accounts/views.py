from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html")


onboarding = mentor_directory = mutual_directory = vetting_queue = dashboard
