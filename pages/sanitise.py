"""Text is cleaned on the way in, whichever path it takes.

Rich text: nh3 (Rust's ammonia) keeps the markup editors need and drops
everything else: scripts, event handlers, styles and javascript: links.
Titles: one line, as they go into e-mail subjects and page heads.
"""

import html
import re
from functools import lru_cache

import nh3
from django.core.exceptions import ValidationError
from django.db import models

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "i",
    "li",
    "ol",
    "p",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


# Where a block of rich text ends, a comparison starts a new line.
BLOCK_END = re.compile(r"</(p|h[2-4]|li|blockquote|figcaption)>|<br\s*/?>", re.IGNORECASE)


@lru_cache(maxsize=64)  # a pure function of the text; bounded (bodies can be long)
def words_of(rich_text: str) -> str:
    """The words a reader sees, one block (paragraph, heading, item) a line:
    what an editor compares between two versions."""
    text = html.unescape(nh3.clean(BLOCK_END.sub("\n", rich_text or ""), tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


class SanitisedHTMLField(models.TextField):
    """A TextField whose HTML is sanitised when it is read from a form or a
    fixture (to_python) and again whenever the model is saved (pre_save)."""

    def to_python(self, value):
        value = super().to_python(value)
        return sanitise_html(value) if value else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = sanitise_html(value)
            setattr(model_instance, self.attname, value)
        return value


# Every character str.splitlines() breaks a line at.
LINE_BREAKS = re.compile(r"[ \t]*[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+[ \t]*")


def validate_single_line(value):
    if value and LINE_BREAKS.search(value):
        raise ValidationError("A title must be one line: remove the line breaks.", code="lines")


def one_line(value: str) -> str:
    return LINE_BREAKS.sub(" ", value).strip()


class SingleLineCharField(models.CharField):
    """A CharField that holds one line. Forms and full_clean() refuse a line
    break with a message; every other path (objects.create, save(), loaddata)
    has line breaks replaced by a space, as the rich text is sanitised."""

    def clean(self, value, model_instance):
        validate_single_line(value)  # before to_python would quietly fold it
        return super().clean(value, model_instance)

    def to_python(self, value):
        value = super().to_python(value)
        return one_line(value) if value else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = one_line(value)
            setattr(model_instance, self.attname, value)
        return value
