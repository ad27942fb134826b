"""The parts of every public page around its content: the links in <head>,
the header with the menu, and the footer. Each is the same on every page that
shows the same menu, so it is rendered once for what it shows (every value
its template reads is in the key) instead of on every page view: with their
address lookups they were about a sixth of rendering a page. A template
here reads only what its tag passes it."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix

register = template.Library()

HEAD_LINKS = "includes/head_links.html"
HEADER = "includes/header.html"
FOOTER = "includes/footer.html"


@register.simple_tag
def site_head_links():
    return _rendered(HEAD_LINKS, get_script_prefix(), ())


@register.simple_tag(takes_context=True)
def site_header(context):
    values = (
        # The context's lazy object, as the tuple of MenuLinks it stands for (hashable).
        ("main_menu", tuple(context["main_menu"])),
        ("site_name", context["site_name"]),
        ("site_short_name", context["site_short_name"]),
    )
    return _rendered(HEADER, get_script_prefix(), values)


@register.simple_tag(takes_context=True)
def site_footer(context):
    return _rendered(FOOTER, get_script_prefix(), (("site_name", context["site_name"]),))


def _rendered(name: str, prefix: str, values: tuple) -> str:
    if settings.DEBUG:  # templates may change while the server runs
        return _render(name, values)
    return _render_once(name, prefix, values)


@lru_cache(maxsize=256)  # bounded: one entry per menu shape and current section
def _render_once(name: str, prefix: str, values: tuple) -> str:
    # prefix: only part of the key (every {% url %} inside starts with it).
    return _render(name, values)


def _render(name: str, values: tuple) -> str:
    return get_template(name).render(dict(values))
