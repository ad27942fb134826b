"""The search index and searching it, on SQLite (FTS5) and PostgreSQL
(full-text search, English configuration), with the same behaviour on both.

The index is one table holding each item's kind, id, title and body, made
by this app's migration for the database in use (it is not a Django model, so
dumpdata and loaddata never copy it: loading content indexes it again). Every item of
every kind is indexed, drafts included; who may see what is decided when
searching, against the kinds' live `public()` querysets.

- SQLite: an FTS5 table (porter stemming) whose rowid holds the kind and id;
  the rank is bm25 with the title weighted ten times the body; highlight()
  and snippet() give the excerpt.
- PostgreSQL: a table with a stored tsvector column (title weight A, body B)
  and a GIN index; ts_rank orders, ts_headline gives the excerpt.

What a reader types never reaches either query language: it becomes a list
of words (letters and digits), English stop words dropped, each quoted, all
required (AND)."""

import re
from dataclasses import dataclass
from functools import cached_property

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .kinds import BY_KEY, KINDS, SearchKind, kind_of

TABLE = "search_index"
MAX_QUERY_LENGTH = 200
# Marks around matched words in excerpts: private-use characters, removed
# from indexed text, so everything else in an excerpt can be escaped.
START, STOP = "\ue000", "\ue001"
UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000\ue001]")
WORD = re.compile(r"[^\W_]+")
# PostgreSQL's English stop words (tsearch_data/english.stop): PostgreSQL
# drops them from queries, so SQLite does too, for the same results.
STOP_WORDS_TEXT = """i me my myself we our ours ourselves you your yours yourself yourselves he
    him his himself she her hers herself it its itself they them their theirs
    themselves what which who whom this that these those am is are was were be
    been being have has had having do does did doing a an the and but if or
    because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under
    again further then once here there when where why how all any both each few
    more most other some such no nor not only own same so than too very s t can
    will just don should now"""
STOP_WORDS = frozenset(STOP_WORDS_TEXT.split())
EXCERPT_WORDS = 32


# What is indexed -------------------------------------------------------------


def clean_text(text: str) -> str:
    """Indexed text: no control characters or excerpt marks, one space between words."""
    return " ".join(UNWANTED.sub(" ", text or "").split())


def entry(kind: SearchKind, obj) -> tuple:
    title, body = kind.text(obj)
    return (kind.key, obj.pk, clean_text(title), clean_text(body))


# On SQLite an entry's rowid is its kind and id in one number: searching
# then never reads the stored text of entries it does not show.
KIND_BITS = 8
BY_NUMBER = {kind.number: kind for kind in KINDS}


def _sqlite_rowid(kind: SearchKind, object_id: int) -> int:
    return (object_id << KIND_BITS) + kind.number


def write(entries: list[tuple]) -> None:
    """Add or replace index entries (kind key, object id, title, body)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            rows = [(_sqlite_rowid(BY_KEY[k], pk), t, b) for k, pk, t, b in entries]
            cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [r[:1] for r in rows])  # noqa: S608
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                rows,
            )
        else:
            cursor.executemany(
                f"INSERT INTO {TABLE} (kind, object_id, title, body) "  # noqa: S608
                "VALUES (%s, %s, %s, %s) ON CONFLICT (kind, object_id) "
                "DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body",
                entries,
            )


def remove(kind: SearchKind, object_id: int) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE rowid = %s",  # noqa: S608
                [_sqlite_rowid(kind, object_id)],
            )
        else:
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE kind = %s AND object_id = %s",  # noqa: S608
                [kind.key, object_id],
            )


def rebuild(kinds=KINDS, model_for=lambda kind: kind.model_class) -> dict[str, int]:
    """Index everything again from the content tables; how many of each kind."""
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    for kind in kinds:
        objects = model_for(kind).objects.all()
        entries = [entry(kind, obj) for obj in objects.iterator(chunk_size=500)]
        for start in range(0, len(entries), 500):
            write(entries[start : start + 500])
        counts[kind.key] = len(entries)
    return counts


def _saved(sender, instance, **kwargs):
    write([entry(kind_of(instance), instance)])


def _deleted(sender, instance, **kwargs):
    remove(kind_of(instance), instance.pk)


def connect_signals() -> None:
    for kind in KINDS:
        post_save.connect(_saved, sender=kind.model_class, dispatch_uid=f"search-{kind.key}")
        post_delete.connect(_deleted, sender=kind.model_class, dispatch_uid=f"search-{kind.key}")


# The index's tables (see the migration) ----------------------------------------

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "title, body, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
]
POSTGRES_CREATE = [
    f"""CREATE TABLE {TABLE} (
        kind varchar(20) NOT NULL,
        object_id bigint NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english', title), 'A')
            || setweight(to_tsvector('english', body), 'B')
        ) STORED,
        PRIMARY KEY (kind, object_id)
    )""",
    f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document)",
]
DROP = [f"DROP TABLE IF EXISTS {TABLE}"]


# What a reader asks ------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str  # as shown back to the reader: one line, at most MAX_QUERY_LENGTH
    shortened: bool  # the reader typed more than MAX_QUERY_LENGTH characters
    words: tuple[str, ...]  # what is searched for

    @classmethod
    def parse(cls, raw: str) -> "Query":
        text = " ".join(UNWANTED.sub(" ", raw or "").split())
        shortened = len(text) > MAX_QUERY_LENGTH
        text = text[:MAX_QUERY_LENGTH]
        words = dict.fromkeys(w for w in WORD.findall(text.lower()) if w not in STOP_WORDS)
        return cls(text=text, shortened=shortened, words=tuple(words))


@dataclass
class Result:
    kind: SearchKind
    object: object
    title: SafeString  # escaped, with <mark> around matched words
    excerpt: SafeString

    @property
    def label(self) -> str:
        return self.kind.label(self.object)

    @property
    def date(self):
        return self.kind.date(self.object)

    @property
    def url(self) -> str:
        return self.kind.url(self.object)


def marked(text: str) -> SafeString:
    """Escaped text, with the backend's marks turned into <mark> elements."""
    html = escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; the marks are ours


class Results:
    """The public items matching a query, best first, for Django's Paginator:
    count() is one query, a slice is one query for its entries and one per
    kind of content on it, however many items match."""

    def __init__(self, query: Query):
        self.query = query

    def _visible(self) -> tuple[str, list]:
        """SQL that keeps only the entries of items the public may see now."""
        clauses, params = [], []
        for kind in KINDS:
            sql, kind_params = kind.public().order_by().values("pk").query.sql_with_params()
            if connection.vendor == "sqlite":
                clauses.append(
                    f"(rowid & {(1 << KIND_BITS) - 1} = %s AND rowid >> {KIND_BITS} IN ({sql}))"
                )
                params += [kind.number, *kind_params]
            else:
                clauses.append(f"(kind = %s AND object_id IN ({sql}))")
                params += [kind.key, *kind_params]
        return "(" + " OR ".join(clauses) + ")", params

    @cached_property
    def _match(self) -> tuple[str, list]:
        """FROM ... WHERE for every matching public entry."""
        visible, params = self._visible()
        if connection.vendor == "sqlite":
            fts = " ".join(f'"{word}"' for word in self.query.words)
            return f"FROM {TABLE} WHERE {TABLE} MATCH %s AND {visible}", [fts, *params]
        return (
            f"FROM {TABLE}, plainto_tsquery('english', %s) AS query "
            f"WHERE document @@ query AND {visible}",
            [" ".join(self.query.words), *params],
        )

    @cached_property
    def _count(self) -> int:
        if not self.query.words:
            return 0
        sql, params = self._match
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {sql}", params)
            return cursor.fetchone()[0]

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list[Result]:
        if not isinstance(index, slice):
            raise TypeError("Results are read a page (a slice) at a time.")
        start, stop = index.start or 0, index.stop
        if not self.query.words or stop <= start:
            return []
        rows = self._page(start, stop - start)
        loaded = {}
        for kind in KINDS:
            ids = [object_id for key, object_id, *_ in rows if key == kind.key]
            if ids:
                loaded[kind.key] = kind.public().in_bulk(ids)
        results = []
        for key, object_id, title, excerpt in rows:
            obj = loaded.get(key, {}).get(object_id)
            if obj is not None:  # unpublished between the two queries
                results.append(Result(BY_KEY[key], obj, marked(title), marked(excerpt)))
        return results

    def _page(self, offset: int, limit: int) -> list[tuple]:
        """(kind, object id, title, excerpt) of one page of entries, best first;
        the excerpts are made for that page's entries only."""
        sql, params = self._match
        if connection.vendor == "sqlite":
            query = f"""
                SELECT rowid & {(1 << KIND_BITS) - 1}, rowid >> {KIND_BITS},
                       highlight({TABLE}, 0, %s, %s),
                       snippet({TABLE}, 1, %s, %s, '…', {EXCERPT_WORDS})
                FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid IN (
                    SELECT rowid {sql} ORDER BY bm25({TABLE}, 10.0, 1.0), rowid LIMIT %s OFFSET %s
                ) ORDER BY bm25({TABLE}, 10.0, 1.0), rowid"""  # noqa: S608
            params = [START, STOP, START, STOP, params[0], *params, limit, offset]
        else:
            # Every word must match (the WHERE), but the rank counts each word
            # on its own: ts_rank of an AND query compares every pair of word
            # positions, many times slower on long texts, for the same order
            # in all but near-ties.
            marks = f'StartSel="{START}", StopSel="{STOP}"'
            options = (
                f"{marks}, MaxWords={EXCERPT_WORDS}, MinWords=12, MaxFragments=2, "
                'FragmentDelimiter=" … "'
            )
            query = f"""
                SELECT kind, object_id,
                       ts_headline('english', entry.title, page.query, %s),
                       ts_headline('english', entry.body, page.query, %s)
                FROM (
                    SELECT kind, object_id, query,
                           ts_rank('{{0.05, 0.1, 0.2, 1.0}}', document,
                                   replace(query::text, ' & ', ' | ')::tsquery) AS rank
                    {sql} ORDER BY rank DESC, kind, object_id LIMIT %s OFFSET %s
                ) AS page JOIN {TABLE} AS entry USING (kind, object_id)
                ORDER BY page.rank DESC, kind, object_id"""  # noqa: S608
            params = [f"{marks}, HighlightAll=true", options, *params, limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            rows = cursor.fetchall()
        if connection.vendor == "sqlite":
            rows = [(BY_NUMBER[number].key, *rest) for number, *rest in rows]
        return rows
