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
    to comment. Nothing here may stop the site starting: a step that fails is
    logged, and fails again where it is needed (a rules file that cannot be
    read holds comments unscreened, services._screened; a TLS problem leaves
    them unchecked)."""
    from django.core import validators

    from . import screening, spam

    steps = {
        "the screening rules (comments will be held unscreened)": screening.rules,
        "the e-mail address pattern": lambda: validators.validate_email("warm-up@example.org"),
        "the web address pattern": lambda: validators.URLValidator()("https://example.org/"),
    }
    if spam.is_configured():
        steps["Akismet's TLS context"] = spam.tls_context
    for name, step in steps.items():
        try:
            step()
        except Exception:
            logger.exception("Could not prepare %s.", name)
