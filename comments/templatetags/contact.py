from functools import lru_cache

from crispy_forms.utils import render_crispy_form
from django import template
from django.conf import settings
from django.template import Context
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..contact_forms import ContactForm
from .comments import CSRF_PLACEHOLDER

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
    token = context.get("csrf_token")
    if settings.DEBUG or token in (None, "", "NOTPROVIDED"):
        html = render_crispy_form(ContactForm(), context=Context({"csrf_token": token}))
    else:
        html = _empty_form_html().replace(CSRF_PLACEHOLDER, escape(str(token)), 1)
    return {"form_html": mark_safe(html), "request": context.get("request")}  # noqa: S308 (crispy's HTML; the token escaped)
