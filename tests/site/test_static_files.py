"""Static files as production serves them: collected with hashed names,
compressed with brotli and gzip, cached by browsers for good; and the home
page small, waiting on one request (the stylesheet) before it shows."""

import gzip
import re
from pathlib import Path

import brotli
import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.templatetags.static import static
from django.test import RequestFactory

from tests.helpers import html_tree

# The WSGI handler checks the database connection at the end of each request.
pytestmark = pytest.mark.django_db

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def collected(settings, tmp_path):
    """The site's own static files collected as `make run` collects them,
    served by whitenoise from STATIC_ROOT (not from the finders)."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    # Only the site's own files: the admin's would make this slow and prove nothing more.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def wsgi_get(path, **headers):
    """GET `path` from the project's WSGI application, as gunicorn calls it."""
    environ = RequestFactory().get(path, **headers).environ
    response = {}

    def start_response(status, response_headers, exc_info=None):
        response["status"] = status
        response["headers"] = {name.lower(): value for name, value in response_headers}

    body = b"".join(get_wsgi_application()(environ, start_response))
    return response["status"], response["headers"], body


def test_the_stylesheet_has_a_hashed_name_and_is_served_brotli_compressed_for_good(collected):
    address = static("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", address)

    status, headers, body = wsgi_get(address, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert status.startswith("200")
    assert headers["content-encoding"] == "br"
    assert "immutable" in headers["cache-control"]
    assert "max-age=315360000" in headers["cache-control"]
    assert brotli.decompress(body) == (collected / "css" / address.rsplit("/", 1)[1]).read_bytes()


def test_a_browser_without_brotli_gets_gzip_and_one_without_either_the_plain_file(collected):
    address = static("css/site.css")

    _, gzipped, gzip_body = wsgi_get(address, HTTP_ACCEPT_ENCODING="gzip")
    _, plain, plain_body = wsgi_get(address)

    assert gzipped["content-encoding"] == "gzip"
    assert gzip.decompress(gzip_body) == plain_body
    assert "content-encoding" not in plain
    assert "accept-encoding" in plain["vary"].lower()


def test_the_home_page_and_its_stylesheet_are_under_40_kb_compressed_and_one_request_blocks(
    seeded, settings, client
):
    settings.PAGE_CACHE = False
    response = client.get("/")
    page = html_tree(response)

    stylesheets = page.find_all("link", rel="stylesheet")
    blocking_scripts = [
        script
        for script in page.find_all("script")
        if script.attrs.get("src")
        and not {"async", "defer"} & set(script.attrs)
        and script.attrs.get("type") != "module"
    ]
    assert [link.attrs["href"] for link in stylesheets] == [static("css/site.css")]
    assert blocking_scripts == []
    stylesheet = Path(finders.find("css/site.css")).read_bytes()
    compressed = len(gzip.compress(response.content, 9)) + len(gzip.compress(stylesheet, 9))
    assert compressed < 40 * 1024
