"""Requests no address of the site can serve, refused before any view runs,
any query is made or any body is read."""

import re
from urllib.parse import unquote

from django.http import Http404
from django.urls import Resolver404, resolve, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.log import log_response

from .errors import bad_request

# C0 and C1 control characters and DEL: no address of the site has one, and
# PostgreSQL text cannot hold a NUL (a query with one fails).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
ADMIN_PREFIX = SimpleLazyObject(lambda: reverse("admin:index"))


class RequestScreeningMiddleware:
    """A path with a control character is not found (404); a NUL in the admin's
    query string is refused (400), as its filters and search hand the values to
    the database; a multipart body (a file upload) to a public address is
    refused (400) before it is read: public pages have no file fields, and only
    the admin takes uploads (with its own limit, DOCUMENT_MAX_UPLOAD_MB). A view
    that reads no body at all (one-click unsubscribe) is let through. (The
    public pages read only numbers from the query string.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path):
            raise Http404("No page at this address.")
        in_admin = request.path.startswith(str(ADMIN_PREFIX))
        if in_admin and "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return self.refuse(request, "A NUL in the admin's query string refused: %s")
        if (
            request.content_type.startswith("multipart/")
            and not in_admin
            and not _reads_no_body(request.path_info)
        ):
            return self.refuse(request, "A file upload to a public address refused: %s")
        return self.get_response(request)

    @staticmethod
    def refuse(request, message):
        response = bad_request(request)
        log_response(message, request.path, response=response, request=request)
        return response


def _reads_no_body(path: str) -> bool:
    """A view that says it never reads a body (`accepts_multipart_body`): the
    one-click unsubscribe address, to which mail programs may POST multipart
    (RFC 8058)."""
    try:
        view = resolve(path).func
    except Resolver404:
        return False
    return getattr(getattr(view, "view_class", None), "accepts_multipart_body", False)
