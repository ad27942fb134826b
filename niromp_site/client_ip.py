import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The reader's IP address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT
    proxies, the address the nearest of them saw (anything further left in
    X-Forwarded-For is the client's own to forge). Used by the comment rate
    limit and by the admin's login throttle."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
