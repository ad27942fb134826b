"""Writes to content that do more than save a row."""

from django.db import transaction

from .models import Page, Redirect


def _descendants(page: Page) -> list[Page]:
    found, frontier = [], [page]
    while frontier:
        children = list(Page.objects.filter(parent__in=frontier))
        found.extend(children)
        frontier = children
    return found


@transaction.atomic
def keep_old_addresses(*, model, before: dict[int, str]) -> int:
    """After content moved, redirect each old address (`before`: pk -> old
    path) to where the object lives now. Returns how many were added."""
    added = 0
    for obj in model.objects.filter(pk__in=before):
        old_path, new_path = before[obj.pk], obj.get_absolute_url()
        if not old_path or old_path == new_path:
            continue
        # An address used again by new content is no longer an old one.
        Redirect.objects.filter(old_path=new_path).delete()
        Redirect.objects.update_or_create(old_path=old_path, defaults=Redirect.pointing_at(obj))
        added += 1
    return added


def addresses_of(obj) -> dict[int, str]:
    """The current address of an object (and, for a page, of every page under
    it), to pass to keep_old_addresses once it has been saved."""
    if not isinstance(obj, Page):
        return {obj.pk: obj.get_absolute_url()}
    return {o.pk: o.get_absolute_url() for o in [obj, *_descendants(obj)]}
