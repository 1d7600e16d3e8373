"""The project's routes plus /bench/bare/: a constant page through the same middleware."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from congress.urls import urlpatterns as project_urlpatterns

BARE_PAGE = (
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>bare</title></head>'
    "<body><p>bench bare page</p></body></html>"
)


def bare(request: HttpRequest) -> HttpResponse:
    """The floor a page is compared with: Django's request cycle and nothing of the product."""
    return HttpResponse(BARE_PAGE)


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *project_urlpatterns]
