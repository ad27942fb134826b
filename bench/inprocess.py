"""What the benchmark measures inside Django rather than over HTTP, on the
benchmark's database, printed as one JSON object:

    inprocess.py pages DATA_JSON   the addresses to measure (target 1 of issue 9),
                                   each with its status, SQL queries and HTML bytes
                                   (raw, gzip, brotli); PAGE_CACHE in the
                                   environment decides whether the page cache is on
    inprocess.py admin             the admin's comments changelist: median time
                                   of a few loads, and its SQL queries
    inprocess.py posted DOMAIN     how many comments have an e-mail address at DOMAIN

Each request comes from a new test Client, with no cookies, as wrk's do. The
queries counted are the second request's: the first fills whatever the site
caches (the page cache, ContentType's), as the servers' warm workers have.
"""

import gzip
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "niromp_site.settings")

import django

django.setup()

import brotli  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from comments.models import Comment  # noqa: E402
from pages.models import Page  # noqa: E402

HOST = "127.0.0.1"  # in the default DJANGO_ALLOWED_HOSTS
# A stylesheet or a script in <head> without async/defer holds up the first paint.
BLOCKING = re.compile(
    rb"<link[^>]*rel=\"?stylesheet[^>]*>|<script(?![^>]*\b(?:async|defer|type=\"?module))[^>]*src=",
)


def get(path: str):
    return Client(HTTP_HOST=HOST).get(path)


def addresses(data: dict) -> list[str]:
    """Every anonymous address of issue 9's target 1, seeded pages by their
    own addresses; the search page too once the site has one."""
    seeded = [
        page.get_absolute_url()
        for page in Page.objects.published().for_address().order_by("pk")
        if not page.path.startswith("benchmark-") and page.is_public
    ]
    names = ["pages:news", "pages:press_releases"]
    listed = [reverse(name) for name in names] + [data["article"], data["press_release"]]
    feeds = ["pages:news_feed", "pages:news_feed_rss", "pages:press_feed", "pages:press_feed_rss"]
    listed += [reverse(name) for name in feeds] + ["/sitemap.xml", "/robots.txt"]
    # Events, regions and search (issue 11); each is measured once it answers.
    for path in ("/events/", "/events/past/", "/regions/", "/regions/london/", "/search/"):
        if get(path).status_code == 200:
            listed.append(path if path != "/search/" else "/search/?q=benchmark")
    return list(dict.fromkeys(seeded + listed))


def measure_page(path: str) -> dict:
    get(path)
    with CaptureQueriesContext(connection) as queries:
        response = get(path)
    body = response.content
    head = body.split(b"</head>", 1)[0]
    return {
        "status": response.status_code,
        "queries": len(queries),
        "raw": len(body),
        "gzip": len(gzip.compress(body, compresslevel=6)),
        # Quality 5: what a server compressing each response on the fly uses.
        "br": len(brotli.compress(body, quality=5)),
        "render_blocking": len(BLOCKING.findall(head)),
    }


def admin_changelist(loads: int = 5) -> dict:
    client = Client(HTTP_HOST=HOST)
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    url = reverse("admin:comments_comment_changelist")
    if client.get(url).status_code != 200:
        sys.exit("The admin's comments changelist did not open for the superuser.")
    times = []
    for _ in range(loads):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(times), "queries": len(queries)}


def main() -> None:
    command, *args = sys.argv[1:]
    if command == "pages":
        data = json.loads(Path(args[0]).read_text())
        result = {path: measure_page(path) for path in addresses(data)}
    elif command == "admin":
        result = admin_changelist()
    elif command == "posted":
        result = {"count": Comment.objects.filter(author_email__endswith=f"@{args[0]}").count()}
    else:
        sys.exit(f"unknown command {command!r}: pages, admin or posted")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
