"""The public site: no login, no cookies beyond what is strictly necessary, nothing stored."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/home.html")


def find_help(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/find_help.html")
