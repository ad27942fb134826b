"""The page cache: anonymous readers' pages served from Django's cache.

What a reader without a session sees changes only when someone writes (an
editor, a moderator, a command, a reader's comment) or when a scheduled time
passes. So each stored page is keyed by the site-wide content version
(models.ContentVersion), which every request reads from the database (one
query) and every write bumps (signals for models, `content_changed()` where a
write bypasses them). Because the version lives in the database, every worker
and every node agrees on it; a cache that is evicted, cold or down (Redis)
costs speed, never correctness. An entry also ends at the next scheduled
publish time, or the next time comments close on their own.

Never served from or stored in the cache: anything but GET/HEAD, the admin,
a reader with a session (signed in), a one-time message, their own held
comment or their remembered details (cookies), previews (never_cache),
responses that set a cookie other than CSRF's, and any status but 200 and 404.
The CSRF token in a stored page is a placeholder, replaced on every hit with
this reader's own masked token (and the cookie set as Django would). The
middleware sits after the security middlewares, so a page from the cache
carries every security header.
"""

import hashlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import Max, Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from .gzipped import Gzipped, accepts_gzip
from .middleware import ADMIN_PREFIX
from .models import ContentVersion

logger = logging.getLogger(__name__)

# Apps whose every model is, or shapes, what the public sees.
CONTENT_APPS = ("pages", "comments")
# The views whose anonymous GETs are stored (and any 404).
CACHED_VIEWS = {
    "pages:home",
    "pages:page",
    "pages:news",
    "pages:press_releases",
    "pages:news_feed",
    "pages:news_feed_rss",
    "pages:press_feed",
    "pages:press_feed_rss",
    "pages:article",
    "pages:events",
    "pages:past_events",
    "pages:event",
    "pages:event_ics",
    "pages:events_calendar",
    "pages:regions",
    "pages:region",
    "pages:region_calendar",
    "sitemap",
    "robots",
}
# How long an entry may live at most; the version ends it sooner.
MAX_SECONDS = 3600
CSRF_PLACEHOLDER = b"\x00csrf-token\x00"
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')


def content_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Count a change of public content once the transaction commits (at
    once outside one), once per transaction however many rows it wrote. Call
    it after a write that sends no signals (QuerySet.update, bulk_create)."""
    connection = connections[using]
    # Already waiting for this transaction's commit? (A rolled-back savepoint
    # takes its callback with it, so then it is counted again.)
    if getattr(connection, "pagecache_bump_pending", False) and any(
        getattr(callback, "func", None) is _bump for _, callback, _ in connection.run_on_commit
    ):
        return
    connection.pagecache_bump_pending = True
    transaction.on_commit(partial(_bump, connection), using=using)


def _bump(connection):
    connection.pagecache_bump_pending = False
    ContentVersion.bump()


def _on_write(sender, instance, **kwargs):
    # A model may say a write of it changes nothing readers share (a held
    # comment, a comment's history): the cache stays warm while people comment.
    asks = getattr(instance, "changes_public_pages", None)
    if asks is not None and not asks(created=kwargs.get("created", False)):
        return
    content_changed(kwargs.get("using") or DEFAULT_DB_ALIAS)


def _on_m2m(sender, instance, action, **kwargs):
    if action.startswith("post_") and instance._meta.app_label in CONTENT_APPS:
        content_changed(kwargs.get("using") or DEFAULT_DB_ALIAS)


def connect_signals() -> None:
    """Every save and delete of every model in CONTENT_APPS (the admin, the
    services, commands, loaddata and reversion's rollbacks all send them)."""
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            post_save.connect(_on_write, sender=model, dispatch_uid=f"pagecache-save-{model}")
            post_delete.connect(_on_write, sender=model, dispatch_uid=f"pagecache-del-{model}")
    m2m_changed.connect(_on_m2m, dispatch_uid="pagecache-m2m")


@dataclass(frozen=True, slots=True)
class Entry:
    status: int
    headers: tuple[tuple[str, str], ...]
    parts: tuple[bytes, ...]  # the page, split where each reader's CSRF token goes
    gzipped: Gzipped  # the same parts gzipped, for browsers that accept it
    etag: str
    last_modified: int | None  # None: If-Modified-Since is not answered
    expires: float  # a scheduled change, as a Unix time


@dataclass(frozen=True, slots=True)
class Schedule:
    """When what the public sees next changes by the clock alone, and when it
    last did."""

    next_change: float
    last_change: float | None


def schedule() -> Schedule:
    """From the content's publish times (and COMMENTS_CLOSE_AFTER_DAYS)."""
    from niromp_site.content import CONTENT_KINDS
    from pages.models import Status

    now = timezone.now()
    close_days = settings.COMMENTS_CLOSE_AFTER_DAYS
    next_times, last_times = [now + timedelta(seconds=MAX_SECONDS)], []
    for kind in CONTENT_KINDS:
        aggregates = {
            "next": Min("publish_at", filter=Q(publish_at__gt=now)),
            "last": Max("publish_at", filter=Q(publish_at__lte=now)),
        }
        # A kind may name times at which the clock alone moves it (an event
        # goes from upcoming to past when it ends): entries end then too.
        for field in getattr(apps.get_model(kind.model), "CLOCK_FIELDS", ()):
            aggregates[f"next_{field}"] = Min(field, filter=Q(**{f"{field}__gt": now}))
            aggregates[f"last_{field}"] = Max(field, filter=Q(**{f"{field}__lte": now}))
        if close_days:
            # Comments close on their own close_days after the publish time.
            window = now - timedelta(days=close_days)
            open_ = Q(comments_open=True)
            aggregates["closes"] = Min("publish_at", filter=open_ & Q(publish_at__gt=window))
            aggregates["closed"] = Max("publish_at", filter=open_ & Q(publish_at__lte=window))
        found = (
            apps.get_model(kind.model)
            .objects.filter(status=Status.PUBLISHED)
            .aggregate(**aggregates)
        )
        next_times.extend(value for name, value in found.items() if name.startswith("next"))
        last_times.extend(value for name, value in found.items() if name.startswith("last"))
        for name, times in (("closes", next_times), ("closed", last_times)):
            if found.get(name):
                times.append(found[name] + timedelta(days=close_days))
    next_change = min(time for time in next_times if time is not None)
    last = [time for time in last_times if time is not None]
    return Schedule(next_change.timestamp(), max(last).timestamp() if last else None)


def last_modified(version: ContentVersion, plan: Schedule) -> int | None:
    """The whole second since which the page has been as it is, or None when
    the page as it was before began in that same second (HTTP dates have no
    finer resolution, and a changed page must never be answered 304). The
    page last changed at the latest of: the last write, the last scheduled
    time that passed; before that, at the next latest (or the write before)."""
    changes = [version.changed_at.timestamp()]
    if version.number:  # a first row's previous_at is its own creation
        changes.append(version.previous_at.timestamp())
    if plan.last_change is not None:
        changes.append(plan.last_change)
    latest, *earlier = sorted(changes, reverse=True)
    if earlier and int(earlier[0]) == int(latest):
        return None
    return int(latest)


class PageCacheMiddleware:
    def __init__(self, get_response):
        from comments.views import AUTHOR_COOKIE, PENDING_COOKIE

        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        # A reader with any of these sees a page of their own.
        self.private_cookies = (
            settings.SESSION_COOKIE_NAME,
            "messages",  # django.contrib.messages' cookie storage
            PENDING_COOKIE,
            AUTHOR_COOKIE,
        )

    def __call__(self, request):
        if not (settings.PAGE_CACHE and self.shared(request)):
            return self.get_response(request)
        try:
            stamp = ContentVersion.current_stamp()
            if stamp is not None:
                entry = self.read(self.key(request, stamp))
                if entry is not None and entry.expires > time.time():
                    return self.serve(request, entry)
            # Before rendering, so an item coming due meanwhile ends the entry.
            version = ContentVersion.current()
            request.content_stamp = version.stamp  # the content memo's too (memo.py)
            key = self.key(request, version.stamp)
            plan = schedule()
        except DatabaseError:
            # No database: nothing to cache against. The view answers as it
            # would without the cache (/healthz says "unhealthy", a page 500s).
            return self.get_response(request)
        response = self.get_response(request)
        if request.method == "GET" and self.storable(request, response):
            entry = self.store(request, key, response, version, plan)
            if entry is None:
                return response
            conditional = get_conditional_response(
                request, etag=entry.etag, last_modified=entry.last_modified, response=response
            )
            return conditional  # the response itself, or 304
        return response

    def shared(self, request) -> bool:
        """The request may get (and make) the page every anonymous reader gets."""
        if request.method not in ("GET", "HEAD"):
            return False
        if any(name in request.COOKIES for name in self.private_cookies):
            return False
        return not request.path.startswith(str(ADMIN_PREFIX))

    @staticmethod
    def key(request, stamp: str) -> str:
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
        return f"page:{stamp}:{digest}"

    @staticmethod
    def read(key):
        try:
            return cache.get(key)
        except Exception:  # a shared cache that is down: render instead
            logger.warning("Page cache unavailable; rendering the page.", exc_info=True)
            return None

    def storable(self, request, response) -> bool:
        if response.status_code == 404:
            pass
        elif response.status_code != 200:
            return False
        else:
            match = request.resolver_match
            if match is None or match.view_name not in CACHED_VIEWS:
                return False
        if response.streaming or response.has_header("Cache-Control"):
            return False  # never_cache (previews) and the like
        if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
            return False
        if response.get("Vary", "Cookie").lower() != "cookie":
            return False
        messages = getattr(request, "_messages", None)
        if messages is not None and len(messages):
            return False
        user = getattr(request, "user", None)
        return user is None or not user.is_authenticated

    def store(self, request, key, response, version, plan) -> Entry | None:
        body, tokens = CSRF_FIELD.subn(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
        if not tokens and "CSRF_COOKIE_NEEDS_UPDATE" in request.META:
            return None  # a token used where we did not find it: never share it
        digest = hashlib.blake2b(body, digest_size=12)
        digest.update(version.stamp.encode())
        etag = f'"{digest.hexdigest()}"'
        modified = last_modified(version, plan)
        # Browsers ask again every time (a 304 when nothing changed); a page
        # holding a reader's CSRF token is theirs alone.
        extra = {"ETag": etag, "Cache-Control": "no-cache"}
        if CSRF_PLACEHOLDER in body:
            extra["Cache-Control"] = "no-cache, private"
        if modified is not None:
            extra["Last-Modified"] = http_date(modified)
        for name, value in extra.items():
            response[name] = value
        patch_vary_headers(response, ["Accept-Encoding"])  # served gzipped to those who ask
        parts = tuple(body.split(CSRF_PLACEHOLDER))
        entry = Entry(
            status=response.status_code,
            headers=tuple((n, v) for n, v in response.items() if n.lower() != "content-length"),
            parts=parts,
            gzipped=Gzipped.of(parts),
            etag=etag,
            last_modified=modified,
            expires=plan.next_change,
        )
        timeout = max(1, min(MAX_SECONDS, int(plan.next_change - time.time())))
        try:
            cache.set(key, entry, timeout)
        except Exception:
            logger.warning("Page cache unavailable; page not stored.", exc_info=True)
        return entry

    def serve(self, request, entry):
        response = HttpResponse(status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        gzip = accepts_gzip(request)
        if gzip:
            response["ETag"] = f"W/{entry.etag}"  # another encoding, another tag
        conditional = get_conditional_response(
            request, etag=entry.etag, last_modified=entry.last_modified, response=response
        )
        if conditional is not response:
            return conditional  # 304 Not Modified
        token = b""
        if len(entry.parts) > 1:
            self.csrf.process_request(request)
            token = get_token(request).encode()
        if gzip:
            body = entry.gzipped.with_token(token, entry.parts)
            response["Content-Encoding"] = "gzip"
        else:
            body = token.join(entry.parts)
        response.content = body
        response["Content-Length"] = str(len(body))
        return self.csrf.process_response(request, response)
