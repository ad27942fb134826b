"""The site's security headers, its production HTTPS settings and the admin's
login throttle.

Every page says, in its Content-Security-Policy, that it loads scripts, styles,
fonts and images from the site itself only, runs no inline script or style
without the request's nonce, and may not be framed; the HTML agrees (nothing is
loaded from another host). Production (DJANGO_HTTPS=true behind a proxy) sends
HSTS, secure cookies and redirects plain HTTP. `check --deploy` is clean too:
see test_check_deploy_is_clean_with_production_settings in test_settings.py.
"""

import base64
import hashlib
import json
import re
import secrets
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client

from comments.models import Comment
from pages.models import Article, Page
from tests.factories import make_comment, make_page, make_staff
from tests.helpers import run_manage

pytestmark = pytest.mark.django_db

HOST = "testserver"  # the test client's host: "the site itself"

# Content-Security-Policy -------------------------------------------------------

KEYWORDS = {"'self'", "'none'"}
NONCE = re.compile(r"^'nonce-([A-Za-z0-9+/_=-]{16,})'$")
# A hash allows one exact inline script or style, nothing else: as strict as a nonce.
HASH = re.compile(r"^'sha(256|384|512)-[A-Za-z0-9+/_=-]{40,}'$")


def csp_directives(response, header="Content-Security-Policy") -> dict[str, list[str]]:
    assert header in response, f"no {header} header on {response.request['PATH_INFO']}"
    directives = {}
    for part in response[header].split(";"):
        name, *values = part.split()
        assert name.lower() not in directives, f"{name} given twice"
        directives[name.lower()] = values
    return directives


def header_nonce(directives) -> str | None:
    """The request's nonce, which script-src and style-src carry when the page uses it."""
    nonces = {
        match.group(1)
        for name in ("script-src", "style-src")
        for value in directives.get(name, [])
        if (match := NONCE.match(value))
    }
    assert len(nonces) <= 1, f"more than one nonce in the policy: {nonces}"
    return nonces.pop() if nonces else None


def without_nonce(directives) -> dict[str, list[str]]:
    return {name: [v for v in values if not NONCE.match(v)] for name, values in directives.items()}


def assert_strict_policy(response) -> dict[str, list[str]]:
    """The policy the whole site shares; returns it, parsed."""
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    for name in ("script-src", "style-src"):
        values = directives[name]
        assert values[0] == "'self'", f"{name}: {values}"
        assert all(NONCE.match(v) or HASH.match(v) for v in values[1:]), f"{name}: {values}"
        assert len([v for v in values if NONCE.match(v)]) <= 1, f"{name}: {values}"
    for name, values in directives.items():
        for value in values:
            assert value.lower() not in {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"}, (
                f"{name} allows {value}"
            )
            # Only keywords, the nonce, hashes and data: images; any host or
            # scheme source (https:, *, cdn.example.com) would let another host in.
            allowed = (
                value in KEYWORDS
                or NONCE.match(value)
                or (HASH.match(value) and name in {"script-src", "style-src"})
                or (name == "img-src" and value == "data:")
            )
            assert allowed, f"{name} lets in {value!r}"
    assert "Content-Security-Policy-Report-Only" not in response
    return directives


class Elements(HTMLParser):
    """Every start tag on a page, with its attributes and (for script and
    style) its text."""

    def __init__(self, content: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []
        self._open = None
        self.feed(content)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = (tag, {name: value or "" for name, value in attrs}, [])
        self.elements.append(element)
        self._open = element if tag in {"script", "style"} else None

    def handle_data(self, data):
        if self._open is not None:
            self._open[2].append(data)

    def handle_endtag(self, tag):
        self._open = None


# Script types a browser never runs (data blocks); CSP does not apply to them.
DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def assert_page_obeys_its_policy(response):
    """What the page has inline would run: every <script> and <style> either
    comes from the site, carries the request's nonce or is one the policy
    names by its hash; no style= or on…= attributes, which a policy without
    'unsafe-inline' blocks."""
    directives = csp_directives(response)
    nonce = header_nonce(directives)
    for tag, attrs, text in Elements(response.text).elements:
        if "nonce" in attrs:
            assert nonce is not None, f"<{tag}> has a nonce but the policy has none"
            assert attrs["nonce"] == nonce, f"<{tag}> carries a nonce that is not the request's"
        inline = (tag == "script" and "src" not in attrs) or tag == "style"
        if inline and attrs.get("type", "").lower() not in DATA_BLOCK_TYPES:
            source = "".join(text)
            allowed_by_hash = csp_hash(source) in directives.get(f"{tag}-src", [])
            assert allowed_by_hash or (nonce is not None and attrs.get("nonce") == nonce), (
                f"inline <{tag}> without the nonce would be blocked: {source[:80]!r}"
            )
        assert "style" not in attrs, f"<{tag} style={attrs['style']!r}> is blocked by style-src"
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"<{tag}> has event handler attributes {handlers}"


# What a browser loads by itself (not links a reader follows).
LOADING_LINK_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "mask-icon",
    "manifest",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "prerender",
}
LOADING_ATTRIBUTES = {
    "script": ["src"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "frame": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "track": ["src"],
    "input": ["src"],
    "image": ["href", "xlink:href"],
    "use": ["href", "xlink:href"],
}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.I)


def off_site(url: str) -> bool:
    url = url.strip()
    if url.lower().startswith("data:"):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() not in {"", "http", "https"} or parts.netloc not in {"", HOST}


def urls_loaded(content: str) -> list[tuple[str, str]]:
    """(element, address) for everything the page makes the browser fetch."""
    found = []
    for tag, attrs, text in Elements(content).elements:
        if tag == "link" and LOADING_LINK_RELS & set(attrs.get("rel", "").lower().split()):
            found.append((f"link rel={attrs['rel']}", attrs.get("href", "")))
        for name in LOADING_ATTRIBUTES.get(tag, []):
            if name not in attrs:
                continue
            values = attrs[name].split(",") if name == "srcset" else [attrs[name]]
            found += [(f"{tag} {name}", value.strip().split(" ")[0]) for value in values]
        if tag == "style":
            found += [("style", url) for url in CSS_URL.findall("".join(text))]
        if "style" in attrs:
            found += [(f"{tag} style", url) for url in CSS_URL.findall(attrs["style"])]
    return found


def assert_loads_nothing_from_elsewhere(client, response):
    loaded = urls_loaded(response.text)
    assert [(what, url) for what, url in loaded if off_site(url)] == []
    # The site's own stylesheets must not pull fonts or images from elsewhere either.
    for what, url in loaded:
        if what.startswith("link") and "stylesheet" in what and url.startswith("/static/"):
            css = client.get(urlsplit(url).path)
            assert css.status_code == 200, url
            text = b"".join(css.streaming_content if css.streaming else [css.content]).decode()
            assert [u for u in CSS_URL.findall(text) if off_site(u)] == [], url


# The public pages ----------------------------------------------------------------


def public_addresses() -> list[str]:
    addresses = ["/", "/news/", "/news/press-releases/", "/no-such-page/"]
    addresses += [page.get_absolute_url() for page in Page.objects.published()]
    addresses += [article.get_absolute_url() for article in Article.objects.published()]
    return list(dict.fromkeys(addresses))


@pytest.fixture
def commented_page(seeded):
    """A page with a published comment whose text tries to load things."""
    page = make_page(title="Commented page", body="<p>Text.</p>")
    make_comment(
        page,
        author_name="Mallory",
        author_email="m@example.org",
        author_url="https://mallory.example.net/",
        body=(
            '<img src="https://tracker.example.net/p.gif"> <script src="https://evil.example.net/'
            'x.js"></script> <link rel="stylesheet" href="https://evil.example.net/x.css"> '
            "see https://example.net/page"
        ),
        status=Comment.Status.PUBLISHED,
    )
    return page


def test_every_public_page_sends_the_security_headers(client, commented_page):
    addresses = public_addresses()
    assert len(addresses) >= 10, addresses  # the seed content is there
    for address in addresses:
        response = client.get(address)
        assert response.status_code in {200, 404}, address
        assert_strict_policy(response)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert_permissions_policy_denies_everything(response)


def assert_permissions_policy_denies_everything(response):
    policy = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert policy.get(feature) == "()", f"{feature} is not denied: {policy}"
    # Nothing is allowed to anyone: every feature listed is denied.
    assert set(policy.values()) == {"()"}, policy
    assert set(policy) == set(django_settings.PERMISSIONS_POLICY)


def test_every_public_page_obeys_its_own_policy_and_loads_nothing_from_elsewhere(
    client, commented_page
):
    for address in public_addresses():
        response = client.get(address)
        assert_page_obeys_its_policy(response)
        assert_loads_nothing_from_elsewhere(client, response)


def test_editors_markup_cannot_make_a_page_load_from_elsewhere(client, db):
    page = make_page(
        title="Rich page",
        body=(
            '<p>Hello</p><img src="https://tracker.example.net/p.gif" '
            'srcset="https://x.example/a 2x">'
            '<iframe src="https://video.example.com/embed/1"></iframe>'
            '<script src="https://cdn.example.com/lib.js"></script>'
            '<style>@import "https://fonts.example.com/css";</style>'
            '<p style="background:url(https://tracker.example.net/bg.png)">styled</p>'
            '<link rel="stylesheet" href="https://cdn.example.com/x.css">'
            '<object data="https://example.com/x.swf"></object>'
        ),
    )
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    assert_page_obeys_its_policy(response)
    assert_loads_nothing_from_elsewhere(client, response)


def test_the_nonce_differs_per_request_and_matches_the_page(client, seeded):
    """The admin uses the nonce on every page; the public pages carry one
    whenever a template asks for it."""
    seen = set()
    for _ in range(3):
        response = client.get("/admin/login/")
        nonce = header_nonce(assert_strict_policy(response))
        assert nonce is not None, "the admin's scripts carry a nonce, so the policy must too"
        assert re.search(rf'\bnonce="{re.escape(nonce)}"', response.text)
        assert_page_obeys_its_policy(response)
        seen.add(nonce)
    public = [header_nonce(csp_directives(client.get("/"))) for _ in range(3)]
    if any(public):
        seen.update(public)
        assert len(seen) == 6, "a nonce was used twice"
    assert len(seen) >= 3, "a nonce was used twice"


# The admin ---------------------------------------------------------------------

ADMIN_ADDRESSES = [
    "/admin/",
    "/admin/pages/page/",
    "/admin/pages/page/add/",
    "/admin/pages/article/add/",
    "/admin/pages/document/",
    "/admin/comments/comment/",
    "/admin/auth/user/",
]


def test_the_admin_carries_the_same_policy(client, admin_client, seeded):
    public = without_nonce(assert_strict_policy(client.get("/")))
    login = client.get("/admin/login/")
    assert without_nonce(assert_strict_policy(login)) == public
    page = Page.objects.published().first()
    for address in [*ADMIN_ADDRESSES, f"/admin/pages/page/{page.pk}/change/"]:
        response = admin_client.get(address)
        assert response.status_code == 200, address
        assert without_nonce(assert_strict_policy(response)) == public, address
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert_page_obeys_its_policy(response)
        assert [(w, u) for w, u in urls_loaded(response.text) if off_site(u)] == [], address


# Production: HTTPS behind a proxy ---------------------------------------------------

PRODUCTION_PROBE = """
import json
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

# Pages name their static files through the manifest `collectstatic` writes;
# building it takes half a minute and has nothing to do with these headers.
override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
).enable()
call_command("migrate", verbosity=0, interactive=False)
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser("operator", "op@example.org", "%(password)s")

def cookie(response, name):
    morsel = response.cookies.get(name)
    if morsel is None:
        return None
    return {key: morsel[key] for key in ("secure", "httponly", "samesite", "max-age")}

plain = Client(HTTP_HOST="niromp.org")
http_get = plain.get("/about-us/?a=1")
http_forwarded = plain.get("/about-us/", HTTP_X_FORWARDED_PROTO="http")
secure = Client(HTTP_HOST="niromp.org", HTTP_X_FORWARDED_PROTO="https")
home = secure.get("/robots.txt")
login_page = secure.get("/admin/login/")
login = secure.post(
    "/admin/login/",
    {"username": "operator", "password": "%(password)s", "next": "/admin/"},
)
print("PROBE " + json.dumps({
    "http": [http_get.status_code, http_get.get("Location")],
    "http_forwarded": [http_forwarded.status_code, http_forwarded.get("Location")],
    "https_status": home.status_code,
    "hsts": home.get("Strict-Transport-Security"),
    "csrf_cookie": cookie(login_page, settings.CSRF_COOKIE_NAME),
    "login": [login.status_code, login.get("Location")],
    "session_cookie": cookie(login, settings.SESSION_COOKIE_NAME),
    "login_csrf_cookie": cookie(login, settings.CSRF_COOKIE_NAME),
    "settings": {
        "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
        "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
        "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
        "CSRF_COOKIE_HTTPONLY": settings.CSRF_COOKIE_HTTPONLY,
        "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
        "DEBUG": settings.DEBUG,
    },
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """What the site does with production settings, asked in a fresh process."""
    password = secrets.token_urlsafe(24)
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        PRODUCTION_PROBE % {"password": password},
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="niromp.org",
        DJANGO_HTTPS="true",
        DJANGO_BEHIND_PROXY="true",
        EMAIL_HOST="smtp.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('prod') / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("PROBE ")]
    assert lines, result.stdout + result.stderr
    return json.loads(lines[-1].removeprefix("PROBE "))


def test_production_sends_hsts_for_a_year_with_subdomains_and_preload(production):
    assert production["https_status"] == 200
    hsts = [part.strip() for part in (production["hsts"] or "").split(";")]
    max_age = [int(p.split("=", 1)[1]) for p in hsts if p.lower().startswith("max-age=")]
    assert max_age and max_age[0] >= 31_536_000, production["hsts"]
    assert "includeSubDomains" in hsts
    assert "preload" in hsts


def test_production_cookies_are_secure_and_http_only(production):
    assert production["login"][0] == 302, production["login"]
    assert production["login"][1] == "/admin/"
    for name in ("csrf_cookie", "session_cookie"):
        cookie = production[name]
        assert cookie is not None, f"no {name} was set"
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] in {"Lax", "Strict"}, name
    assert production["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "DEBUG": False,
    }


def test_production_redirects_plain_http_to_https(production):
    assert production["http"] == [301, "https://niromp.org/about-us/?a=1"]
    assert production["http_forwarded"] == [301, "https://niromp.org/about-us/"]


# Admin login throttle (django-axes) -------------------------------------------------

PASSWORD = "the right password, long enough"
ATTACKER = "198.51.100.7"
ELSEWHERE = "203.0.113.9"


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    # A fast hasher: each attempt checks a password, and PBKDF2 takes ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_RESET_ON_SUCCESS is True


@pytest.fixture
def editor(throttled):
    return make_staff("edna", password=PASSWORD)


def sign_in(client, username, password, address, **extra):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def assert_refused(client, response):
    locked_page = "Too many sign-in attempts" in response.text
    assert response.status_code == 429 or locked_page, (response.status_code, response.text[:300])
    assert not signed_in(client)
    assert client.get("/admin/", REMOTE_ADDR=ATTACKER).status_code == 302  # to the login page


def test_five_wrong_passwords_lock_that_user_at_that_address_out(throttled, editor):
    client = Client()
    for attempt in range(1, 6):
        response = sign_in(client, "edna", f"wrong guess {attempt}", ATTACKER)
        assert not signed_in(client)
        if attempt < 5:
            assert response.status_code == 200, attempt  # the form, with an error
            assert "Please enter the correct username and password" in response.text
    response = sign_in(client, "edna", PASSWORD, ATTACKER)
    assert_refused(client, response)
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text
    assert_strict_policy(response)  # the lockout page has the same headers


def test_the_lockout_holds_whatever_x_forwarded_for_says(throttled, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client()
    for attempt in range(5):
        sign_in(client, "edna", f"wrong {attempt}", ATTACKER)
    response = sign_in(client, "edna", PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.77")
    assert_refused(client, response)


def test_the_same_user_can_still_sign_in_from_another_address(throttled, editor):
    for attempt in range(6):
        sign_in(Client(), "edna", f"wrong {attempt}", ATTACKER)
    assert_refused(locked := Client(), sign_in(locked, "edna", PASSWORD, ATTACKER))
    client = Client()
    response = sign_in(client, "edna", PASSWORD, ELSEWHERE)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in(client)


def test_another_user_can_still_sign_in_from_the_locked_address(
    throttled, editor, django_user_model
):
    make_staff("other", password=PASSWORD)
    for attempt in range(6):
        sign_in(Client(), "edna", f"wrong {attempt}", ATTACKER)
    client = Client()
    response = sign_in(client, "other", PASSWORD, ATTACKER)
    assert response.status_code == 302
    assert signed_in(client)


def test_a_correct_sign_in_before_the_limit_resets_the_count(throttled, editor):
    client = Client()
    for round_ in range(2):
        for attempt in range(4):
            response = sign_in(client, "edna", f"wrong {round_}.{attempt}", ATTACKER)
            assert response.status_code == 200
        response = sign_in(client, "edna", PASSWORD, ATTACKER)
        assert response.status_code == 302, f"round {round_}: locked out after a reset"
        assert signed_in(client)
        client.logout()
    # Without the resets these would be failures 9 to 13: locked long ago.
    for attempt in range(4):
        assert sign_in(client, "edna", f"again {attempt}", ATTACKER).status_code == 200
    sign_in(client, "edna", "fifth wrong", ATTACKER)
    assert_refused(client, sign_in(client, "edna", PASSWORD, ATTACKER))
