"""The benchmark's load: generated pages, articles and comments on top of the
seed content, in the database DATABASE_URL names (bench/run.sh points it at a
temporary SQLite file, never the developer's db.sqlite3).

    DJANGO_SETTINGS_MODULE=niromp_site.settings .venv/bin/python bench/make_data.py \
        --pages 200 --articles 2000 --comments 100000 --press-comments 500

Everything generated reads as what it is ("Benchmark article 17"): no
real-looking names or quotes. bulk_create keeps it to seconds; it bypasses
save(), signals and django-reversion, which a benchmark's data does not need.
Prints, as JSON, what the benchmark measures: the press release's and an
article's addresses, and the superuser that opens the admin.
"""

import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "niromp_site.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from comments.models import Comment  # noqa: E402
from pages.models import Article, Page, Status  # noqa: E402

PARAGRAPH = (
    "<p>Benchmark paragraph {n}. This text was generated for the benchmark; it "
    "stands in for an editor's words and has about the length of a real "
    "paragraph, so that templates, sanitising and compression meet a page of "
    "ordinary size rather than a near-empty one.</p>"
)
# Most comments are published, the rest spread over the moderation queue's
# states, so the admin's changelist and filters meet a realistic mix.
STATUS_CYCLE = [Comment.Status.PUBLISHED] * 14 + [Comment.Status.HELD] * 3
STATUS_CYCLE += [Comment.Status.SPAM] * 2 + [Comment.Status.REJECTED]
VERDICTS = {
    Comment.Status.PUBLISHED: Comment.Verdict.HAM,
    Comment.Status.SPAM: Comment.Verdict.SPAM,
}
BENCH_ADMIN = "bench-admin"


def body(paragraphs: int) -> str:
    return "".join(PARAGRAPH.format(n=n) for n in range(1, paragraphs + 1))


def make_pages(count: int, now) -> list[Page]:
    """Top-level sections (left out of the menu) with pages in them, so the
    seeded pages' own content and navigation stay as they are."""
    sections = Page.objects.bulk_create(
        Page(
            title=f"Benchmark section {s}",
            slug=f"benchmark-section-{s}",
            status=Status.PUBLISHED,
            publish_at=now - timedelta(days=400),
            body=body(3),
            comments_open=False,
        )
        # One section for every ten pages: 20 sections of nine pages each.
        for s in range(1, max(1, count // 10) + 1)
    )
    children = [
        Page(
            title=f"Benchmark page {n}",
            slug=f"benchmark-page-{n}",
            parent=sections[n % len(sections)],
            status=Status.PUBLISHED,
            publish_at=now - timedelta(days=n),
            body=body(8),
        )
        for n in range(1, count - len(sections) + 1)
    ]
    return sections + Page.objects.bulk_create(children)


def make_articles(count: int, now) -> list[Article]:
    """News items and, every tenth, a press release, one a day into the past."""
    return Article.objects.bulk_create(
        Article(
            title=f"Benchmark article {n}",
            slug=f"benchmark-article-{n}",
            kind=Article.Kind.PRESS_RELEASE if n % 10 == 0 else Article.Kind.NEWS,
            status=Status.PUBLISHED,
            publish_at=now - timedelta(days=n, hours=1),
            byline="Benchmark byline",
            summary=f"Summary of benchmark article {n}.",
            body=body(10),
        )
        for n in range(1, count + 1)
    )


def comment(n: int, target, status, when, parent=None) -> Comment:
    field = "article" if isinstance(target, Article) else "page"
    return Comment(
        **{field: target},
        parent=parent,
        depth=parent.depth + 1 if parent else 1,
        author_name=f"Benchmark reader {n}",
        author_email=f"reader-{n}@example.org",
        body=f"Benchmark comment {n}. Generated text standing in for a reader's comment.",
        status=status,
        verdict=VERDICTS.get(status, Comment.Verdict.UNCHECKED),
        submitted_at=when,
        ip_address=f"192.0.2.{n % 250 + 1}",  # the documentation range
    )


def make_press_release_thread(press_release: Article, wanted: int, now) -> None:
    """Published comments on the press release up to `wanted`: four in five
    start a thread, the rest reply to one of those (bulk_create returns the
    ids the replies need)."""
    missing = wanted - Comment.objects.for_target(press_release).published().count()
    replies = missing // 5
    published = Comment.Status.PUBLISHED
    start = press_release.publish_at
    roots = Comment.objects.bulk_create(
        comment(n, press_release, published, min(start + timedelta(minutes=7 * n), now))
        for n in range(1, missing - replies + 1)
    )
    Comment.objects.bulk_create(
        comment(
            len(roots) + n,
            press_release,
            published,
            min(roots[n].submitted_at + timedelta(minutes=3), now),
            parent=roots[n],
        )
        for n in range(replies)
    )


def make_comments(total: int, targets: list, now) -> None:
    """Comments until the table holds `total`, round-robin over the targets."""
    missing = total - Comment.objects.count()
    batch = []
    for n in range(1, missing + 1):
        target = targets[n % len(targets)]
        status = STATUS_CYCLE[n % len(STATUS_CYCLE)]
        batch.append(comment(100_000 + n, target, status, now - timedelta(minutes=n)))
        if len(batch) == 5000:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--press-comments", type=int, default=500)
    options = parser.parse_args()

    # The seed's press release (its only one), found before any are generated.
    press_release = (
        Article.objects.published().filter(kind=Article.Kind.PRESS_RELEASE).order_by("pk").first()
    )
    if press_release is None:
        sys.exit("No press release in the database: run seed_content first.")
    now = timezone.now()
    with transaction.atomic():
        pages = make_pages(options.pages, now)
        articles = make_articles(options.articles, now)
        make_press_release_thread(press_release, options.press_comments, now)
        # Comments go on the generated pages and articles only, so the seeded
        # pages keep the seed's comments and the press release exactly its count.
        commented = [page for page in pages if page.comments_open] + articles
        make_comments(options.comments, commented, now)
        admin, _ = get_user_model().objects.get_or_create(
            username=BENCH_ADMIN,
            defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.org"},
        )
        admin.set_unusable_password()  # signed in with force_login, in-process only
        admin.save()
    print(
        json.dumps(
            {
                "press_release": press_release.get_absolute_url(),
                "article": articles[0].get_absolute_url(),
                "admin_user": BENCH_ADMIN,
                "comments": Comment.objects.count(),
                "press_release_published": Comment.objects.for_target(press_release)
                .published()
                .count(),
            }
        )
    )


if __name__ == "__main__":
    main()
