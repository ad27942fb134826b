"""Property tests: whatever a reader, a bot or a scanner sends, the site answers
with a page, a redirect or a refusal, never a server error; and a valid comment
is saved exactly once, with the reader's text intact.

Each test creates what it needs itself and keeps its examples bounded; the
database is shared by a test's examples (one transaction), so counts are taken
before and after each request.
"""

import os
from urllib.parse import quote, urlencode

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.test import Client
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from comments.models import Comment
from tests.factories import make_article, make_comment, make_page

pytestmark = pytest.mark.django_db

BOUNDED = settings(
    max_examples=60,
    deadline=None,
    # In CI the same examples every run, so a red build is a real regression;
    # locally new ones each run, to keep finding bugs.
    derandomize=bool(os.environ.get("CI")),
    database=None,  # no .hypothesis/ directory left in the project
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

COMMENT_STATUSES = {302, 200, 429, 403}
PAGE_STATUSES = {200, 301, 302, 400, 404}

# Text ------------------------------------------------------------------------

# Any character the HTTP layer can carry: surrogates cannot be encoded, so
# they are left out; control characters and NUL are in.
any_char = st.characters(exclude_categories=["Cs"])
short_text = st.text(any_char, max_size=40)
# Very long strings, built by repetition so hypothesis need not draw each character.
long_text = st.builds(
    lambda unit, times: (unit * times)[:20_000],
    st.text(any_char, min_size=1, max_size=8),
    st.integers(min_value=10, max_value=6_000),
)
awkward = st.sampled_from(
    [
        "",
        " ",
        "\t\n\r ",
        "\x00",
        "a\x00b",
        "\r\n",
        "\u200b",
        "\u00a0",
        "\u2028",
        "\ufeff",
        "\x1c\x1d\x1e\x1f",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%00",
        "{{ 7|add:7 }}",
        "💬" * 3,
        "e\u0301",
    ]
)
any_text = st.one_of(short_text, long_text, awkward)

name_text = st.one_of(
    st.text(any_char, min_size=1, max_size=110),
    st.sampled_from(["Alex Reader", "  Ann   Smith  ", "José Ñúñez", "李小龍", "O'Brien"]),
)
email_text = st.one_of(
    st.emails(),
    st.sampled_from(["alex@example.org", " alex@example.org ", "ü@example.de", "a@b"]),
)
url_text = st.one_of(
    st.just(""),
    st.sampled_from(
        ["example.org", "https://example.org/a?b=c", "http://例え.jp/パス", "javascript:alert(1)"]
    ),
)
body_text = st.one_of(
    st.text(any_char, min_size=1, max_size=300),
    st.builds(
        lambda head, n, tail: head + "x" * n + tail,
        st.sampled_from(["", " ", "\r\n", "a\r\nb"]),
        st.integers(min_value=4_990, max_value=5_010),
        st.sampled_from(["", " ", "\r\n", "\n\n", "\r\nz"]),
    ),
)


# What the form accepts, decided independently of it -------------------------


def expected_name(name: str) -> str | None:
    stripped = name.strip()
    collapsed = " ".join(name.split())
    if "\x00" in name or not collapsed or len(stripped) > 100:
        return None
    return collapsed


def expected_email(email: str) -> str | None:
    email = email.strip()
    if "\x00" in email or not email or len(email) > 254:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


def expected_url(url: str) -> str | None:
    """The website field is optional; an address without a scheme gets https://."""
    try:
        return forms.URLField(max_length=300, required=False, assume_scheme="https").clean(url)
    except ValidationError:
        return None


def expected_body(body: str) -> str | None:
    """The comment as the reader sees it: line breaks are one character each
    (a browser's maxlength counts them so, then sends them as CRLF)."""
    normalised = body.replace("\r\n", "\n").strip()
    if "\x00" in body or not 1 <= len(normalised) <= 5000:
        return None
    return normalised


def parent_is_blank(parent: str) -> bool:
    try:
        return forms.IntegerField(required=False).clean(parent) is None
    except ValidationError:
        return False


def encode(data: dict, multipart: bool) -> dict:
    """Keyword arguments for client.post: a browser's form encoding or multipart."""
    if multipart:
        return {"data": data}
    return {"data": urlencode(data), "content_type": "application/x-www-form-urlencoded"}


@pytest.fixture
def commentable(db, settings):
    settings.COMMENT_RATE_LIMIT = "0"
    settings.AKISMET_API_KEY = ""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    return make_page(title="Commentable", slug="commentable", body="<p>Say something.</p>")


# The comment form --------------------------------------------------------------


# What a reader would type in each field, and what a bot or a fuzzer might.
PLAUSIBLE = {
    "author_name": name_text,
    "author_email": email_text,
    "author_url": url_text,
    "body": body_text,
    "parent": st.just(""),
    "homepage": st.just(""),
    "remember": st.sampled_from(["", "on"]),
}


@BOUNDED
@given(
    junk=st.one_of(
        st.just(frozenset()),
        st.sets(st.sampled_from(sorted(PLAUSIBLE)), max_size=1),
        st.sets(st.sampled_from(sorted(PLAUSIBLE))),
    ),
    # A browser sends the comment form URL-encoded; a multipart body (a file
    # upload) is refused unread at every public address.
    multipart=st.sampled_from([False, False, False, True]),
    draw=st.data(),
)
def test_any_comment_form_input_is_saved_once_intact_or_refused_without_error(
    commentable, junk, multipart, draw
):
    """Some fields (those in `junk`) hold arbitrary text, the others what a
    reader might type; about half the examples are valid comments."""
    data = {
        field: draw.draw(any_text if field in junk else strategy, label=field)
        for field, strategy in PLAUSIBLE.items()
    }
    author_name, author_email, author_url, body, parent, homepage = (
        data[field]
        for field in ("author_name", "author_email", "author_url", "body", "parent", "homepage")
    )
    if not data["remember"]:
        del data["remember"]
    before = set(Comment.objects.values_list("pk", flat=True))

    response = Client().post(commentable.get_absolute_url(), **encode(data, multipart))

    new = Comment.objects.exclude(pk__in=before)
    if multipart:
        assert response.status_code == 400
        assert not new.exists(), "a multipart body was read and saved"
        return
    assert response.status_code in COMMENT_STATUSES
    expected = {
        "author_name": expected_name(author_name),
        "author_email": expected_email(author_email),
        "author_url": expected_url(author_url),
        "body": expected_body(body),
    }
    valid = None not in expected.values() and parent_is_blank(parent) and "\x00" not in homepage
    event("valid" if valid else "refused")
    if not valid:
        assert response.status_code == 200, expected
        assert not new.exists(), "a comment the form refused was saved"
        return
    assert response.status_code == 302, (
        expected,
        response.context and response.context["comment_form"].errors,
    )
    assert new.count() == 1
    comment = new.get()
    assert {field: getattr(comment, field) for field in expected} == expected
    assert comment.page_id == commentable.pk
    assert comment.parent_id is None
    assert comment.status == (Comment.Status.SPAM if homepage.strip() else Comment.Status.HELD)


def test_a_comment_at_the_length_limit_with_line_breaks_is_accepted(commentable):
    """The comment box's maxlength lets a reader type 5,000 characters, each
    line break counting as one; the browser sends line breaks as CRLF."""
    typed = "\n".join(["A line of a long comment."] * 200)[:5000]
    assert len(typed) == 5000
    sent = typed.replace("\n", "\r\n")
    response = Client().post(
        commentable.get_absolute_url(),
        urlencode({"author_name": "Alex", "author_email": "alex@example.org", "body": sent}),
        content_type="application/x-www-form-urlencoded",
    )
    errors = response.context["comment_form"].errors if response.context else {}
    assert response.status_code == 302, errors
    assert Comment.objects.get().body == typed


def test_a_request_too_big_to_read_is_refused_without_error(commentable):
    response = Client().post(
        commentable.get_absolute_url(),
        **encode(
            {"author_name": "Alex", "author_email": "alex@example.org", "body": "x" * 3_000_000},
            multipart=False,
        ),
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


# The parent field ----------------------------------------------------------------


@pytest.fixture
def thread(commentable, settings):
    """Published comments on the page (one as deep as replies may go), a held
    one, and one on an article."""

    def add(target, parent=None, status=Comment.Status.PUBLISHED):
        return make_comment(target, "Someone", "Earlier comment.", parent=parent, status=status)

    top = add(commentable)
    chain = [top]
    while chain[-1].depth < settings.COMMENTS_MAX_DEPTH:
        chain.append(add(commentable, parent=chain[-1]))
    held = add(commentable, status=Comment.Status.HELD)
    elsewhere = add(make_article(title="Elsewhere"))
    return {"chain": chain, "held": held, "elsewhere": elsewhere}


def arabic_indic(number: int) -> str:
    return "".join(chr(0x660 + int(digit)) for digit in str(number))


ID_SPELLINGS = [str, lambda i: f" {i} ", lambda i: f"{i}.0", lambda i: f"+{i}", arabic_indic]


def id_like(thread):
    """Ids of comments that may be replied to, and of those that may not,
    written in every way the form's IntegerField reads; and anything else."""
    replyable = [comment.pk for comment in thread["chain"][:-1]]
    not_replyable = [thread["chain"][-1].pk, thread["held"].pk, thread["elsewhere"].pk]
    written = st.builds(
        lambda spell, pk: spell(pk),
        st.sampled_from(ID_SPELLINGS),
        st.sampled_from(replyable * 2 + not_replyable),
    )
    anything = st.one_of(
        st.integers().map(str),
        st.integers(min_value=2**62).map(str),
        st.sampled_from(["0", "-1", "1e3", "0x1", "NaN", "inf", "1_0", "9" * 5000, "", " "]),
        any_text,
    )
    return st.one_of(written, anything)


@BOUNDED
@given(data=st.data())
def test_any_parent_value_gives_a_reply_or_a_form_error_never_a_server_error(
    thread, data, settings
):
    parent = data.draw(id_like(thread), label="parent")
    before = set(Comment.objects.values_list("pk", flat=True))
    page = thread["chain"][0].page

    response = Client().post(
        page.get_absolute_url(),
        **encode(
            {
                "author_name": "Alex Reader",
                "author_email": "alex@example.org",
                "body": "A reply.",
                "parent": parent,
            },
            multipart=False,
        ),
    )

    assert response.status_code in {200, 302}
    event(f"answered {response.status_code}")
    new = list(Comment.objects.exclude(pk__in=before))
    if response.status_code == 200:
        assert new == []
        return
    assert len(new) == 1
    reply = new[0]
    if parent_is_blank(parent):
        assert reply.parent is None
    else:
        # Only a published comment on this page, not yet as deep as replies go.
        assert reply.parent.page_id == page.pk
        assert reply.parent.status == Comment.Status.PUBLISHED
        assert reply.parent.depth < settings.COMMENTS_MAX_DEPTH
        assert reply.depth == reply.parent.depth + 1


# Addresses -------------------------------------------------------------------------

path_char = st.characters(exclude_categories=["Cs"], exclude_characters="/?#")
segment = st.one_of(
    st.text(path_char, min_size=1, max_size=20),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="/?#")),
    st.binary(min_size=1, max_size=12).map(lambda b: "".join(f"%{byte:02X}" for byte in b)),
    st.builds(
        lambda s, n: (s * n)[:4_000],
        st.text(path_char, min_size=1, max_size=3),
        st.integers(50, 2_000),
    ),
    st.sampled_from(
        [
            "..",
            ".",
            "%2e%2e",
            "%2F",
            "%00",
            "%",
            "%zz",
            "%C0%AE",
            "%ff%fe",
            "..%2f..%2fetc%2fpasswd",
            "~",
            ";a=b",
            "index.php",
            "wp-login.php",
            "feed",
            "page",
            "2",
            "about-us",
            "news",
            "news-and-press",
        ]
    ),
)
prefix = st.sampled_from(
    [
        "/",
        "/news/",
        "/news/press-releases/",
        "/news/feed/",
        "/documents/",
        "/about-us/",
        "/events/",
        "/events/past/",
        "/regions/",
        "/static/",
        "/media/",
        "/admin/",
    ]
)
query_value = st.one_of(
    short_text,
    st.binary(max_size=12).map(lambda b: "".join(f"%{byte:02X}" for byte in b)),
    st.integers().map(str),
    st.sampled_from(["last", "0", "-1", "1.5", "9" * 30, "9" * 5000, "\u0661", "%", "&", "="]),
    long_text,
)


@pytest.fixture
def site(seeded, settings):
    settings.COMMENT_RATE_LIMIT = "0"
    return make_page(title="Commentable", slug="commentable", body="<p>Say something.</p>")


def assert_answers(client, address):
    response = client.get(address)
    event(f"answered {response.status_code}")
    assert response.status_code in PAGE_STATUSES, (address[:300], response.status_code)


@BOUNDED
@given(
    start=prefix,
    segments=st.lists(segment, max_size=5),
    slash=st.booleans(),
    query=st.lists(st.tuples(short_text, query_value), max_size=3),
    raw_query=st.one_of(st.just(""), st.text(any_char, max_size=60)),
)
# NUL and other control characters, on every run: PostgreSQL text cannot hold a
# NUL, and a query with one failed (500) before the site refused such addresses.
@example(start="/about-us/", segments=["%00"], slash=True, query=[], raw_query="")
@example(start="/", segments=["%00"], slash=True, query=[], raw_query="")
@example(start="/news/", segments=["%00"], slash=True, query=[], raw_query="")
@example(start="/documents/", segments=["%00"], slash=True, query=[], raw_query="")
@example(start="/", segments=["a%01b", "%1F"], slash=False, query=[], raw_query="")
@example(
    start="/admin/",
    segments=["pages", "page"],
    slash=True,
    query=[("status", "\x00")],
    raw_query="q=%00",
)
def test_any_address_gives_a_page_a_redirect_or_not_found(
    site, start, segments, slash, query, raw_query
):
    path = start + "/".join(segments) + ("/" if slash and segments else "")
    # Both a well-formed query string and raw text after the "?".
    query_string = "&".join(f"{quote(k)}={v}" for k, v in query)
    client = Client()
    assert_answers(client, f"{path}?{query_string}" if query_string else path)
    if raw_query:
        assert_answers(client, f"{path}?{raw_query}")


@BOUNDED
@given(page=query_value, extra=st.one_of(st.just(""), query_value))
def test_any_page_number_on_the_news_lists_is_answered(site, page, extra):
    client = Client()
    for address in ("/news/", "/news/press-releases/", "/events/past/"):
        response = client.get(address, {"page": page, "q": extra})
        assert response.status_code in {200, 404}, (page[:100], response.status_code)
        # Raw text after "?": more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields is a 400.
        raw = client.get(f"{address}?page={page}")
        assert raw.status_code in {200, 400, 404}, (page[:100], raw.status_code)


@BOUNDED
@given(replyto=st.one_of(query_value, st.integers(min_value=-(2**70), max_value=2**70).map(str)))
def test_any_replyto_on_a_page_is_answered(site, replyto):
    client = Client()
    for address in (site.get_absolute_url(), "/about-us/", "/"):
        response = client.get(address, {"replyto": replyto})
        assert response.status_code == 200, (replyto[:100], response.status_code)
        raw = client.get(f"{address}?replyto={replyto}")
        assert raw.status_code in {200, 400}, (replyto[:100], raw.status_code)
