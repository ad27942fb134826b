"""Every builder of test data, in one place: content, comments at each stage
the site takes them through, and staff accounts. Plain functions: each fills
in what a test does not care about, and takes keyword overrides for what it
does. Fixtures (in the conftest.py files) call these.

A comment is built one of three ways, as the site makes them:

- `make_comment`: the stored row, written directly, as the form and the spam
  check leave it (held, judged not spam). For tests of what happens to a
  comment once it is stored: moderation, purging, listing.
- `submit_comment`: through `comments.services.submit_comment`, as the form
  sends it (held, unchecked, with its "Submitted." history row; the spam check
  runs when the transaction commits).
- `published_comment`: submitted, then approved by a moderator.

`comment_data` and `post_comment` are what a reader types and sends.
"""

import re
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from django.utils.text import slugify

from comments import services
from comments.models import Comment
from pages.models import Article, Event, Page, Status

READER_NAME = "Alex Reader"
COMMENT_TEXT = "A thoughtful comment."
READER_ADDRESS = "192.0.2.1"  # documentation range (RFC 5737): never a real reader


# Content -------------------------------------------------------------------


def make_page(**fields: Any) -> Page:
    """A page, published a minute ago unless told otherwise."""
    fields.setdefault("title", "A page")
    fields.setdefault("slug", fields["title"].lower().replace(" ", "-"))
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("publish_at", timezone.now() - timedelta(minutes=1))
    return Page.objects.create(**fields)


def make_article(**fields: Any) -> Article:
    """A news item, published a minute ago unless told otherwise."""
    fields.setdefault("title", "An article")
    fields.setdefault("slug", fields["title"].lower().replace(" ", "-"))
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("publish_at", timezone.now() - timedelta(minutes=1))
    fields.setdefault("summary", f"Summary of {fields['title']}.")
    return Article.objects.create(**fields)


def make_event(*, days_ahead: float = 30, hours: float = 2, **fields: Any) -> Event:
    """An event published a minute ago, starting `days_ahead` days from now
    (negative: in the past) and lasting `hours`, unless told otherwise."""
    fields.setdefault("title", "An event")
    fields.setdefault("slug", slugify(fields["title"]))
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("publish_at", timezone.now() - timedelta(minutes=1))
    fields.setdefault("start", timezone.now() + timedelta(days=days_ahead))
    fields.setdefault("end", fields["start"] + timedelta(hours=hours))
    fields.setdefault("location", "Online")
    regions = fields.pop("regions", [])
    event = Event.objects.create(**fields)
    event.regions.set(regions)
    return event


# Comments ------------------------------------------------------------------


def email_for(name: str) -> str:
    """An address made from a reader's first name: "Pat Writer" writes as
    pat@example.org."""
    first = re.sub(r"[^a-z0-9-]", "", (name.split() or ["reader"])[0].lower())
    return f"{first or 'reader'}@example.org"


def comment_data(**overrides: str) -> dict[str, str]:
    """What a reader types into the comment form (the honeypot left empty)."""
    data = {
        "author_name": READER_NAME,
        "author_email": email_for(READER_NAME),
        "author_url": "",
        "body": COMMENT_TEXT,
        "parent": "",
        "homepage": "",
    }
    data.update(overrides)
    return data


def post_comment(
    client: Client,
    target: Page | Article | Event,
    *,
    environ: dict[str, str] | None = None,
    **fields: str,
) -> HttpResponse:
    """Send the comment form on `target`'s page as a reader's browser does:
    `fields` over `comment_data()`, `environ` as request headers
    (REMOTE_ADDR, HTTP_USER_AGENT, ...)."""
    return client.post(target.get_absolute_url(), comment_data(**fields), **(environ or {}))


def make_comment(
    target: Page | Article,
    author_name: str = READER_NAME,
    body: str = COMMENT_TEXT,
    *,
    days_old: float | None = None,
    **fields: Any,
) -> Comment:
    """A reader's comment as the form leaves it after the spam check: held,
    not spam, with the personal data the form keeps. A reply (`parent=`) sits
    one level below its parent; `days_old` backdates it."""
    url = f"http://testserver{target.get_absolute_url()}"
    fields = {
        "author_email": email_for(author_name),
        "status": Comment.Status.HELD,
        "verdict": Comment.Verdict.HAM,
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0 TestBrowser/1.0",
        "referrer": url,
        "permalink": url,
        **fields,
    }
    if fields.get("parent") is not None:
        fields.setdefault("depth", fields["parent"].depth + 1)
    if days_old is not None:
        fields["submitted_at"] = timezone.now() - timedelta(days=days_old)
    return Comment.objects.create(
        **{Comment.target_field(target): target}, author_name=author_name, body=body, **fields
    )


def submit_comment(
    target: Page | Article,
    author_name: str = READER_NAME,
    body: str = COMMENT_TEXT,
    *,
    parent: Comment | None = None,
    **fields: Any,
) -> Comment:
    """A reader's comment through `services.submit_comment`, as the form sends it.

    The services take replies only to published comments, but a thread can
    hold a reply under a comment that is not published now (it was when the
    reader replied, or a moderator is looking at both). Such a reply is
    submitted, then threaded under `parent` as the form would have done."""
    fields.setdefault("author_email", email_for(author_name))
    fields.setdefault("ip_address", READER_ADDRESS)
    replyable = parent is not None and Comment.objects.published().filter(pk=parent.pk).exists()
    comment = services.submit_comment(
        target=target,
        author_name=author_name,
        body=body,
        parent_id=parent.pk if replyable else None,
        **fields,
    )
    if parent is not None and not replyable:
        Comment.objects.filter(pk=comment.pk).update(parent=parent, depth=parent.depth + 1)
        comment.refresh_from_db()
    return comment


def published_comment(
    target: Page | Article,
    moderator: AbstractUser,
    author_name: str = READER_NAME,
    body: str = COMMENT_TEXT,
    *,
    parent: Comment | None = None,
    **fields: Any,
) -> Comment:
    """A comment as a reader submits it, then approved by `moderator`."""
    comment = submit_comment(target, author_name, body, parent=parent, **fields)
    return services.approve(comment=comment, moderator=moderator)


# Accounts ------------------------------------------------------------------


def make_user(
    username: str, *, group: str | None = None, password: str | None = None, **fields: Any
) -> AbstractUser:
    """An account, not staff unless told, in `group` (one the migrations
    create) or in none; no usable password unless one is given."""
    fields.setdefault("email", f"{username}@example.org")
    user = get_user_model().objects.create_user(username=username, password=password, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_staff(username: str, **fields: Any) -> AbstractUser:
    """A staff account as create_staff_account makes it."""
    return make_user(username, is_staff=True, **fields)


def make_moderator(username: str = "moira", **fields: Any) -> AbstractUser:
    """A member of the Moderators group, and nothing more."""
    return make_staff(username, group="Moderators", **fields)


def make_editor(username: str = "editor", **fields: Any) -> AbstractUser:
    """A member of the Editors group, and nothing more."""
    return make_staff(username, group="Editors", **fields)
