from django.conf import settings


def link_base_url() -> str:
    """Where links in e-mail and stored permalinks start: SITE_URL, else the
    first allowed host (without a port), never the Host header a client chose
    to send with its request."""
    if settings.SITE_URL:
        return settings.SITE_URL
    host = next(
        (
            h
            for h in settings.ALLOWED_HOSTS
            if h not in {"*", "testserver"} and not h.startswith(".")
        ),
        "localhost",
    )
    return f"{'https' if settings.HTTPS else 'http'}://{host}"
