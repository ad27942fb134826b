from django.http import HttpResponsePermanentRedirect

from niromp_site.content import with_targets

from .models import Redirect, WordPressItem

# WordPress's own links to a post or a page, whatever its permalinks were:
# /?p=123 (any post or page) and /?page_id=45 (pages).
WORDPRESS_ID_KEYS = {"p": ("post", "page"), "page_id": ("page",)}


class OldAddressRedirectMiddleware:
    """When a page is not found, send the reader on (301) if the address is an
    old one of a page or article that is still live. The home page with
    ?p=ID or ?page_id=ID (an old WordPress link) goes to the imported item."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only requests that carry WordPress's keys cost a query.
        if request.path == "/" and request.method in ("GET", "HEAD") and request.GET:
            redirect = self._wordpress_link(request)
            if redirect is not None:
                return redirect
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        redirect = with_targets(Redirect.objects.filter(old_path=request.path)).first()
        if redirect is None or not redirect.target.is_public:
            return response
        return HttpResponsePermanentRedirect(redirect.target.get_absolute_url())

    @staticmethod
    def _wordpress_link(request):
        for key, kinds in WORDPRESS_ID_KEYS.items():
            value = request.GET.get(key, "")
            if not value.isdigit():
                continue
            item = (
                WordPressItem.objects.filter(wp_id=int(value), kind__in=kinds)
                .select_related("content_type")
                .order_by("-imported_at")
                .first()
            )
            if item is None:
                return None
            target = item.content_type.model_class()._default_manager.filter(pk=item.object_id)
            target = (
                target.for_address().first() if hasattr(target, "for_address") else target.first()
            )
            if target is not None and target.is_public:
                return HttpResponsePermanentRedirect(target.get_absolute_url())
            return None
        return None
