"""Long pages for readers: ids on the body's headings, a contents list of them
and "Back to top" links, added as the body is shown (the stored body stays as
the editor wrote it; the sanitiser keeps no id attributes)."""

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace

import nh3
from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, slugify

from comments.templatetags.comments import cached_date

register = template.Library()

# Django's `date`, remembered (formatting a date is slow): for an article's dates.
register.filter("cached_date", cached_date, expects_localtime=True)

# How much of a page's summary goes into its <meta name="description">.
DESCRIPTION_LENGTH = 300


@register.filter
@lru_cache(maxsize=1024)  # a pure function of the text; bounded
def meta_description(text: str) -> str:
    """The first DESCRIPTION_LENGTH characters of `text` (Django's
    `truncatechars`, remembered: the head shows it twice on every view)."""
    return Truncator(text).chars(DESCRIPTION_LENGTH)


# A page with this many headings or more gets a contents list.
CONTENTS_FROM = 4
# Sanitised bodies hold bare <h2>/<h3> tags (sanitise.py allows them no attributes).
HEADING = re.compile(r"<(h[23])>(.*?)</\1>", re.S)
# Ids the page's own chrome uses; a heading never takes one of them.
RESERVED_IDS = {
    "main",
    "top",
    "contents",
    "comments",
    "respond",
    "comment-form",
    "contact-form",
    "error-summary",
}
BACK_TO_TOP = '<p class="back-to-top"><a href="#contents">Back to top</a></p>'


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Contents:
    """Shared between renders (with_contents is cached): never changed."""

    html: SafeString
    headings: tuple[Heading, ...] = ()

    @property
    def shown(self) -> bool:
        return len(self.headings) >= CONTENTS_FROM


def heading_id(text: str, taken: set[str]) -> str:
    """A readable id from the heading's words, the same on every render; a
    repeated heading takes -2, -3."""
    base = slugify(text)[:60].strip("-") or "section"
    candidate, number = base, 1
    while candidate in taken or candidate in RESERVED_IDS or candidate.endswith("-heading"):
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate


@register.filter
@lru_cache(maxsize=64)  # a pure function of the body; bounded (bodies can be long)
def with_contents(body: str) -> Contents:
    """The sanitised body with an id on each h2 and h3 and, when it has
    CONTENTS_FROM headings or more, a "Back to top" link before each h2 after
    the first and at the end."""
    body = body or ""
    headings: list[Heading] = []
    taken: set[str] = set()

    def add_id(match):
        tag, inner = match.group(1), match.group(2)
        text = " ".join(html.unescape(nh3.clean(inner, tags=set())).split())
        heading = Heading(level=int(tag[1]), id=heading_id(text, taken), text=text)
        headings.append(heading)
        return f'<{tag} id="{heading.id}">{inner}</{tag}>'

    with_ids = HEADING.sub(add_id, body)
    if len(headings) < CONTENTS_FROM:
        return Contents(html=mark_safe(with_ids), headings=tuple(headings))  # noqa: S308 (sanitised on save)
    first_h2 = next((h.id for h in headings if h.level == 2), None)
    with_links = re.sub(
        r'<h2 id="([^"]+)">',
        lambda m: m.group(0) if m.group(1) == first_h2 else BACK_TO_TOP + m.group(0),
        with_ids,
    )
    return Contents(html=mark_safe(with_links + BACK_TO_TOP), headings=tuple(headings))  # noqa: S308 (sanitised on save)


SUMMARY = "includes/article_summary.html"


@register.simple_tag
def article_summary(article, heading_level=2):
    """An article's entry in a list (includes/article_summary.html). The same
    for every reader, so it is rendered once for what it shows: every value
    the template reads is in the key, so an edit renders it anew."""
    return _article_summary(
        article.title,
        article.get_absolute_url(),
        article.get_kind_display(),
        article.publish_at,
        article.byline,
        article.summary,
        heading_level,
    )


@lru_cache(maxsize=1024)  # bounded; a pure function of what the entry shows
def _article_summary(title, url, kind, publish_at, byline, summary, heading_level):
    article = SimpleNamespace(
        title=title,
        get_absolute_url=url,
        get_kind_display=kind,
        publish_at=publish_at,
        byline=byline,
        summary=summary,
    )
    return get_template(SUMMARY).render({"article": article, "heading_level": heading_level})
