"""The only module that talks to Akismet (and the only one that imports
akismet or httpx). It turns a comment into the library's arguments and the
library's answers and errors into ours. It checks contact-form messages too."""

import functools
import os
import ssl
import threading
from dataclasses import dataclass
from datetime import UTC

import akismet
import httpx
from django.conf import settings

from .models import ContactMessage

USER_AGENT = f"NIROMP site | {akismet.USER_AGENT}"


class SpamCheckUnavailable(Exception):
    """Akismet could not give a verdict; the message says why, for moderators."""


@dataclass(frozen=True)
class Verdict:
    is_spam: bool
    is_discard: bool = False


class _AkismetAddressTransport(httpx.HTTPTransport):
    """Sends the library's requests to AKISMET_API_URL. The library fixes the
    service's address inside itself, so this is the one place to change it."""

    def __init__(self, api_url: str, **kwargs):
        super().__init__(**kwargs)
        self._target = httpx.URL(api_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self._target.scheme, host=self._target.host, port=self._target.port
        )
        return super().handle_request(request)


NOT_CONFIGURED = "Akismet is not configured (AKISMET_API_KEY, AKISMET_SITE_URL)."


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The certificates Akismet's address is checked against. Building this
    reads the whole CA bundle (tens of milliseconds of CPU), so each process
    builds it once, not once per check; a context is safe to share."""
    return httpx.create_ssl_context()


def is_configured() -> bool:
    return bool(settings.AKISMET_API_KEY and settings.AKISMET_SITE_URL)


def _arguments(comment) -> dict:
    if isinstance(comment, ContactMessage):
        return _message_arguments(comment)
    arguments = {
        "comment_type": "reply" if comment.parent_id else comment.kind,
        "comment_author": comment.author_name,
        "comment_author_email": comment.author_email,
        "comment_author_url": comment.author_url,
        "comment_content": comment.body,
        "comment_date_gmt": comment.submitted_at.astimezone(UTC).isoformat(),
        "permalink": comment.permalink,
        "referrer": comment.referrer,
        "user_agent": comment.user_agent,
        "blog_lang": "en_gb",
        "blog_charset": "UTF-8",
    }
    return {key: value for key, value in arguments.items() if value}


def _message_arguments(message) -> dict:
    """A message from the contact form, as Akismet's "contact-form" type."""
    text = f"{message.subject}\n\n{message.message}" if message.subject else message.message
    arguments = {
        "comment_type": "contact-form",
        "comment_author": message.name,
        "comment_author_email": message.email,
        "comment_content": text,
        "comment_date_gmt": message.submitted_at.astimezone(UTC).isoformat(),
        "referrer": message.referrer,
        "user_agent": message.user_agent,
        "blog_lang": "en_gb",
        "blog_charset": "UTF-8",
    }
    return {key: value for key, value in arguments.items() if value}


# One connection pool per process (httpx documents a Client as safe to share
# between threads): each check reuses the open, already-verified TLS connection
# to Akismet instead of a new TCP and TLS handshake per comment.
_pool_lock = threading.Lock()
_pool: tuple[tuple, httpx.Client] | None = None


def _http_client() -> httpx.Client:
    """The process's client for AKISMET_API_URL. A new one after a fork (a
    pool's sockets must not be shared between processes) or when the settings
    change (the tests' fakes), closing the one it replaces."""
    global _pool
    key = (os.getpid(), settings.AKISMET_API_URL, settings.AKISMET_TIMEOUT)
    with _pool_lock:
        if _pool is not None and _pool[0] == key:
            return _pool[1]
        if _pool is not None and _pool[0][0] == key[0]:
            _pool[1].close()
        client = httpx.Client(
            transport=_AkismetAddressTransport(
                settings.AKISMET_API_URL, retries=0, verify=tls_context()
            ),
            headers={"User-Agent": USER_AGENT},
            timeout=settings.AKISMET_TIMEOUT,
        )
        _pool = (key, client)
        return client


def _call(operation: str, comment):
    if not is_configured():
        raise SpamCheckUnavailable(NOT_CONFIGURED)
    client = akismet.SyncClient(
        config=akismet.Config(key=settings.AKISMET_API_KEY, url=settings.AKISMET_SITE_URL),
        http_client=_http_client(),
    )
    try:
        return getattr(client, operation)(user_ip=comment.ip_address or "", **_arguments(comment))
    except akismet.APIKeyError as error:
        raise SpamCheckUnavailable("Akismet rejected the API key or site address.") from error
    except akismet.RequestError as error:
        raise SpamCheckUnavailable(f"Akismet could not be reached: {error}") from error
    except akismet.AkismetError as error:
        raise SpamCheckUnavailable(f"Akismet gave an unexpected answer: {error}") from error


def check(comment) -> Verdict:
    """Ask Akismet about a comment; raises SpamCheckUnavailable when it cannot say."""
    answer = _call("comment_check", comment)
    return Verdict(
        is_spam=answer != akismet.CheckResponse.HAM,
        is_discard=answer == akismet.CheckResponse.DISCARD,
    )


def report_spam(comment) -> None:
    """Tell Akismet it missed a spam comment (submit-spam)."""
    _call("submit_spam", comment)


def report_ham(comment) -> None:
    """Tell Akismet a comment it called spam is not (submit-ham)."""
    _call("submit_ham", comment)
