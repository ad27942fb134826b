"""Writes to content that do more than save a row."""

import reversion
from django.db import transaction
from reversion.models import Version

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


def record_first_versions(comment: str) -> int:
    """Give every versioned item of content that has no history yet (seeded or
    imported, or made before revisions were kept) a first revision of what it
    holds now, so an editor can always go back to it. Returns how many."""
    recorded = 0
    models = [m for m in reversion.get_registered_models() if m._meta.app_config.name == "pages"]
    for model in models:
        known = set(Version.objects.get_for_model(model).values_list("object_id", flat=True))
        for obj in model.objects.order_by("pk").iterator():
            if str(obj.pk) in known:
                continue
            with reversion.create_revision(manage_manually=True):
                reversion.set_comment(comment)
                reversion.add_to_revision(obj)
            recorded += 1
    return recorded
