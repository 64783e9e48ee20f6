"""A tiny portal with one broken link, for the site-check tests."""

from django.http import HttpResponse
from django.urls import include, path


def page(request):
    return HttpResponse(
        '<html><body><a href="/ok/">ok</a> <a href="/missing/">missing</a> <a href="https://example.org/x">out</a>'
        '<a href="/staff/">staff</a><link rel="stylesheet" href="/static/core/gongkai.css">'
        '<img src="/static/core/no-such.png"></body></html>'
    )


def ok(request):
    return HttpResponse('<html><body><a href="/">home</a></body></html>')


urlpatterns = [
    path("", page),
    path("ok/", ok),
    path("staff/", include("gongkai.backoffice.urls")),
]
