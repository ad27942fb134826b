import logging

from django.apps import AppConfig

logger = logging.getLogger(__name__)


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"


def warm_up() -> None:
    """Build what a serving process would otherwise build on its first
    comment: the safeguarding screen's rules, the patterns Django's e-mail
    and web-address validators compile lazily, and Akismet's TLS context.
    Together about 0.3 s of CPU on a small machine, paid by each gunicorn
    worker as it starts (niromp_site/wsgi.py) instead of by the first reader
    to comment. A rules file that cannot be read is logged, not fatal: the
    site still serves, and comments are held unscreened (services._screened)."""
    from django import forms

    from . import screening, spam

    try:
        screening.rules()
    except screening.ScreeningRulesError:
        logger.exception("The screening rules could not be read; comments will be held unscreened.")
    forms.EmailField().clean("warm-up@example.org")
    forms.URLField().clean("https://example.org/")
    if spam.is_configured():
        spam.tls_context()
