"""The site-wide content version that the page cache (pagecache.py) keys on.

It lives here, in the site's own app, rather than in pages or comments: it
changes when either of them (or anything else a reader sees) changes, and the
site is the one place that knows both (pages and comments stay unaware of it
beyond calling `pagecache.content_changed()` where they write without signals).
"""

import secrets

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.db.models.functions import Greatest, Now

ROW = 1  # the one row


def new_epoch() -> str:
    return secrets.token_hex(8)


class ContentVersion(models.Model):
    """One row: `number` goes up by one on every change of public content
    (UPDATE ... SET number = number + 1, so racing writers can never move it
    back). `epoch` is random per row, so a database that is flushed, or
    restored from a backup, never reuses the numbers of what a shared cache
    still holds. `changed_at` and `previous_at` are the times of the last two
    changes, for Last-Modified."""

    epoch = models.CharField(max_length=32, default=new_epoch)
    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(db_default=Now())
    previous_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return f"{self.epoch}:{self.number}"

    @property
    def stamp(self) -> str:
        return f"{self.epoch}:{self.number}"

    @classmethod
    def current_stamp(cls) -> str | None:
        """ "epoch:number" now, in one small query; None before the first change.
        Plain SQL: this runs on every request the page cache answers, and the
        ORM's compiling would cost more than the query."""
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(cls._meta.db_table)
            cursor.execute(f"SELECT epoch, number FROM {table} WHERE id = %s", [ROW])  # noqa: S608
            row = cursor.fetchone()
        return f"{row[0]}:{row[1]}" if row else None

    @classmethod
    def current(cls) -> "ContentVersion":
        """The version now: one query (two the first time, on a new database)."""
        version = cls.objects.filter(pk=ROW).first()
        if version is None:
            version = cls._create()
        return version

    @classmethod
    def bump(cls, *, new_epoch_too: bool = False) -> None:
        """Count one change, atomically, in the database's own clock (the
        times never go backwards either, whichever node's clock is behind)."""
        fields = {
            "number": F("number") + 1,
            "previous_at": F("changed_at"),
            "changed_at": Greatest(F("changed_at"), Now()),
        }
        if new_epoch_too:
            fields["epoch"] = new_epoch()
        if not cls.objects.filter(pk=ROW).update(**fields):
            cls._create()

    @classmethod
    def _create(cls) -> "ContentVersion":
        try:
            with transaction.atomic():
                cls.objects.create(pk=ROW)
        except IntegrityError:
            pass  # another process made it first
        return cls.objects.get(pk=ROW)
