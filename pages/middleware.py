from django.http import HttpResponsePermanentRedirect

from niromp_site.content import with_targets

from .models import Redirect


class OldAddressRedirectMiddleware:
    """When a page is not found, send the reader on (301) if the address is an
    old one of a page or article that is still live."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        redirect = with_targets(Redirect.objects.filter(old_path=request.path)).first()
        if redirect is None or not redirect.target.is_public:
            return response
        return HttpResponsePermanentRedirect(redirect.target.get_absolute_url())
