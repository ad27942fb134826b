"""The site's own page for a request Django refuses (400)."""

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string


def bad_request(request, exception=None):
    """400, rendered without the request: what was wrong may be its host or its
    body, which context processors or Django's own handler (its CSRF check reads
    the body again) would trip over a second time, turning a 400 into a 500."""
    return HttpResponseBadRequest(render_to_string("400.html"))
