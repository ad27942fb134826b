"""What the public content looks like, worked out once per content version
in each process: the menu, a page found by its address, its downloads, the
shape of a comment thread, the sitemap's rows.

The page cache (pagecache.py) keeps whole pages for anonymous readers; this
keeps the content's query results for every page that is still rendered: a
reader with their own held comment or remembered details, a POSTed comment,
a site run with PAGE_CACHE=false. It is keyed the same way: by the content
version every write bumps in the database (one small query a request), and
it ends at the next scheduled change (an item coming due, comments closing
on their own), so a change is seen on the very next request by every worker
and every node. Nothing here is per reader: a reader's own held comments,
the comment form and the CSRF token are never kept.

`memoised` functions called outside a request that `ContentMemoMiddleware`
saw (commands, the admin, a staff preview's own querysets) simply run. What
they return is shared between requests and threads: lists and tuples of
values, or model instances nothing may change.

CONTENT_MEMO=false turns it off; the tests do, as their transactions never
commit and so never bump the version (tests/site/test_memo.py commits).
"""

import contextvars
import functools
import threading
import time

from django.conf import settings
from django.db import DatabaseError

from .middleware import ADMIN_PREFIX
from .models import ContentVersion
from .pagecache import schedule

# At most this many values per version (a few per page of the site), and
# this many characters of rendered HTML (kept() with `html`); past either,
# values are worked out again rather than kept.
MAX_VALUES = 4096
MAX_HTML = 16 * 1024 * 1024

_stamp = contextvars.ContextVar("content_stamp", default=None)


class _Generation:
    """The values worked out for one content version, until `until`."""

    def __init__(self, stamp: str, until: float):
        self.stamp = stamp
        self.until = until
        self.values = {}
        self.html = 0


_generation: _Generation | None = None
_lock = threading.Lock()


def _current() -> _Generation | None:
    global _generation
    stamp = _stamp.get()
    if stamp is None:
        return None
    generation = _generation
    if generation is not None and generation.stamp == stamp and time.time() < generation.until:
        return generation
    with _lock:
        generation = _generation
        if generation is None or generation.stamp != stamp or time.time() >= generation.until:
            generation = _generation = _Generation(stamp, schedule().next_change)
    return generation


def kept(key, compute, *, html: bool = False):
    """compute()'s value, worked out once per content version for `key`
    (hashable, naming everything the value depends on); shared, so it must
    not be changed. `html`: the value is rendered text, counted against
    MAX_HTML by its length."""
    generation = _current()
    if generation is None:
        return compute()
    try:
        return generation.values[key]
    except KeyError:
        pass
    value = compute()
    # Nothing found (None) is not kept: addresses nobody wrote cannot fill it.
    if value is None or len(generation.values) >= MAX_VALUES:
        return value
    if html:
        if generation.html + len(value) > MAX_HTML:
            return value
        generation.html += len(value)
    generation.values[key] = value
    return value


def memoised(function):
    """`function(*args)`, worked out once per content version (see kept())."""

    @functools.wraps(function)
    def wrapper(*args):
        return kept((function, args), lambda: function(*args))

    return wrapper


def clear() -> None:
    """Forget every value (tests do, between databases)."""
    global _generation
    _generation = None


class ContentMemoMiddleware:
    """Read the content version once per request (or take the one the page
    cache read), so `memoised` functions know which values are current. A
    request the page cache answered never gets here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.CONTENT_MEMO or request.path.startswith(str(ADMIN_PREFIX)):
            return self.get_response(request)
        # Read by the page cache already when it rendered the page.
        stamp = getattr(request, "content_stamp", None)
        if stamp is None:
            try:
                stamp = ContentVersion.current_stamp()
            except DatabaseError:
                stamp = None  # no database: nothing is kept (and the view says so)
        token = _stamp.set(stamp)
        try:
            return self.get_response(request)
        finally:
            _stamp.reset(token)
