"""The kinds of content other records point at. A comment is on one page or
one article; an old address redirects to one. Both say so through
`points_at_content()`, so a new kind of content (events are coming) is one
line in CONTENT_KINDS, plus the migrations it brings."""

from typing import NamedTuple

from django.db import models


class ContentKind(NamedTuple):
    field: str  # the foreign key's name on the record that points at it
    model: str  # app_label.ModelName
    plural: str  # for people: admin filters and the like


CONTENT_KINDS = (
    ContentKind("page", "pages.Page", "Pages"),
    ContentKind("article", "pages.Article", "News and press releases"),
    ContentKind("event", "pages.Event", "Events"),
)
CONTENT_FIELDS = tuple(kind.field for kind in CONTENT_KINDS)


def field_for(obj) -> str:
    """The foreign key that points at this piece of content ("page", "article")."""
    label = obj._meta.label
    for kind in CONTENT_KINDS:
        if kind.model == label:
            return kind.field
    raise TypeError(f"{label} is not one of the site's kinds of content")


def with_targets(queryset):
    """Records (comments, redirects) with the content they point at, and what
    that content's address needs, in one query per kind of content."""
    model = queryset.model
    return queryset.prefetch_related(
        *(
            models.Prefetch(
                field,
                queryset=model._meta.get_field(field).related_model.objects.for_address(),
            )
            for field in CONTENT_FIELDS
        )
    )


def exactly_one_content(name: str) -> models.CheckConstraint:
    """For the Meta of a model built on points_at_content(): one kind is set."""
    condition = models.Q()
    for kind in CONTENT_KINDS:
        condition |= models.Q(
            **{f"{field}__isnull": field != kind.field for field in CONTENT_FIELDS}
        )
    return models.CheckConstraint(condition=condition, name=name)


def points_at_content(*, on_delete, related_name: str | None = None) -> type[models.Model]:
    """An abstract model with one nullable foreign key per kind of content,
    and `target` to read whichever is set. Pair it with exactly_one_content()."""
    attributes = {
        kind.field: models.ForeignKey(
            kind.model,
            null=True,
            blank=True,
            on_delete=on_delete,
            **({"related_name": related_name} if related_name else {}),
        )
        for kind in CONTENT_KINDS
    }

    class Meta:
        abstract = True

    return type(
        "PointsAtContent",
        (PointsAtContentMixin, models.Model),
        {"__module__": __name__, "Meta": Meta, **attributes},
    )


class PointsAtContentMixin:
    @property
    def target(self):
        """The page or article this points at."""
        for field in CONTENT_FIELDS:
            if getattr(self, f"{field}_id"):
                return getattr(self, field)
        return None

    @staticmethod
    def target_field(target) -> str:
        return field_for(target)

    @classmethod
    def pointing_at(cls, target) -> dict:
        """Field values that point at `target` and at nothing else."""
        return dict.fromkeys(CONTENT_FIELDS) | {field_for(target): target}
