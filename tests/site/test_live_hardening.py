"""Attacks from issue 14 that need the real server: a copy of the site served
by gunicorn as `make run` serves it (tests/live_site.py), asked with httpx or,
where httpx would tidy the request, a raw socket."""

import re
import socket
from urllib.parse import urlsplit

import httpx
import pytest

from tests.live_site import GUNICORN, LiveSiteError, live_site

pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason=f"no gunicorn at {GUNICORN}")

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
}
TRACEBACK_AFTER_TRACEBACK = "During handling of the above exception"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    try:
        with live_site(tmp_path_factory.mktemp("hardening")) as running:
            yield running
    except LiveSiteError as error:
        pytest.fail(str(error))


@pytest.fixture
def client(site):
    with httpx.Client(base_url=site.url, timeout=20) as client:
        yield client


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, dict(response.headers))
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "camera=()" in response.headers["permissions-policy"]


# Row 4: a form body in a charset Django refuses ------------------------------------


@pytest.mark.parametrize("address", ["/admin/login/", "/about-us/", "/news/"])
def test_a_form_in_utf16_is_answered_400_with_the_sites_page_and_headers(site, client, address):
    client.get("/admin/login/")  # a CSRF cookie, so the CSRF check reads the body
    assert "csrftoken" in client.cookies

    response = client.post(
        address,
        content="a=b".encode("utf-16"),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-16"},
    )

    assert response.status_code == 400, site.log_tail()
    assert "<h1>Bad request</h1>" in response.text
    assert_security_headers(response)
    assert TRACEBACK_AFTER_TRACEBACK not in site.log.read_text(errors="replace")


# Row 10: a big file posted to a public page ----------------------------------------


def raw_request(site, head: str, body: bytes) -> tuple[int, bytes]:
    """Send `head` and the first bytes of a body whose Content-Length promises far
    more; the answer arrives only if the server refused without reading the rest."""
    parts = urlsplit(site.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as sock:
        sock.sendall(head.encode() + body)
        received = b""
        while b"</html>" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    match = re.match(rb"HTTP/1\.1 (\d{3}) ", received)
    assert match, received[:200]
    return int(match.group(1)), received


@pytest.mark.parametrize("address", ["/about-us/", "/", "/no-such-page/"])
def test_a_60_mb_upload_to_a_public_page_is_refused_before_it_is_sent(site, client, address):
    """With a CSRF cookie, as a reader has one: the CSRF check would read the body."""
    client.get("/about-us/")  # a page with a form sets the cookie
    csrf = client.cookies["csrftoken"]
    boundary = "attack"
    start = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + b"x" * 4096
    head = (
        f"POST {address} HTTP/1.1\r\n"
        f"Host: {urlsplit(site.url).netloc}\r\n"
        f"Cookie: csrftoken={csrf}\r\n"
        f"X-CSRFToken: {csrf}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {60 * 1024 * 1024}\r\n\r\n"
    )

    status, answer = raw_request(site, head, start)

    assert status in {400, 413}, answer[:500]
    assert b"<h1>Bad request</h1>" in answer or status == 413


def test_the_admin_still_takes_multipart_forms(site, client):
    """The admin's login form posted as multipart reaches the admin (403: no CSRF token)."""
    response = client.post("/admin/login/", files={"f": ("a.txt", b"x")}, data={"a": "b"})

    assert response.status_code == 403
    assert_security_headers(response)


# Row 12: no server banner, no CORS on static files -----------------------------------


def test_no_response_names_the_server(site, client):
    answers = [
        client.get("/"),
        client.get("/about-us/"),
        client.get("/no-such-page/"),
        client.get("/admin/login/"),
        client.get(static_address(client)),
    ]
    for response in answers:
        assert "server" not in response.headers, (response.url, response.headers.get("server"))


def static_address(client) -> str:
    match = re.search(r'href="(/static/css/site[^"]*\.css)"', client.get("/").text)
    assert match
    return match.group(1)


def test_static_files_send_no_cors_header_and_keep_the_security_headers(site, client):
    response = client.get(static_address(client), headers={"Origin": "https://evil.example"})

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
