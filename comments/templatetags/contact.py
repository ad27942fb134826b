from django import template

from ..contact_forms import ContactForm

register = template.Library()


@register.inclusion_tag("comments/contact_section.html", takes_context=True)
def contact_form(context):
    """The contact form, for the Contact Us page; it posts to /contact/send/."""
    return {"form": ContactForm(), "request": context.get("request")}
