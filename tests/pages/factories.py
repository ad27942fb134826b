"""Small builders for content in tests: published and due unless told otherwise."""

from datetime import timedelta

from django.utils import timezone

from pages.models import Article, Page, Status


def make_page(**fields) -> Page:
    fields.setdefault("title", "A page")
    fields.setdefault("slug", fields["title"].lower().replace(" ", "-"))
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("publish_at", timezone.now() - timedelta(minutes=1))
    return Page.objects.create(**fields)


def make_article(**fields) -> Article:
    fields.setdefault("title", "An article")
    fields.setdefault("slug", fields["title"].lower().replace(" ", "-"))
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("publish_at", timezone.now() - timedelta(minutes=1))
    fields.setdefault("summary", f"Summary of {fields['title']}.")
    return Article.objects.create(**fields)
