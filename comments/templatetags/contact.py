from functools import lru_cache

from crispy_forms.utils import render_crispy_form
from django import template
from django.template import Context
from django.utils.safestring import mark_safe

from ..contact_forms import ContactForm
from .comments import CSRF_PLACEHOLDER, shared_token

register = template.Library()


@lru_cache(maxsize=1)
def _empty_form_html() -> str:
    """The empty contact form is the same for everyone but for the CSRF
    token: crispy renders it once, with a placeholder for the token."""
    return render_crispy_form(ContactForm(), context=Context({"csrf_token": CSRF_PLACEHOLDER}))


@register.inclusion_tag("comments/contact_section.html", takes_context=True)
def contact_form(context):
    """The contact form, for the Contact Us page; it posts to /contact/send/
    (which shows a form with errors on a page of its own)."""
    token = shared_token(context)
    if token is None:
        html = render_crispy_form(
            ContactForm(), context=Context({"csrf_token": context.get("csrf_token")})
        )
    else:
        html = _empty_form_html().replace(CSRF_PLACEHOLDER, token, 1)
    return {"form_html": mark_safe(html), "request": context.get("request")}  # noqa: S308 (crispy's HTML; the token escaped)
