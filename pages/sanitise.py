"""Rich text is cleaned on the way in, whichever path it takes.

nh3 (Rust's ammonia) keeps the markup editors need and drops everything else:
scripts, event handlers, styles and javascript: links.
"""

import nh3
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
