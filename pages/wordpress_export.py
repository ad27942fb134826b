"""Reading a WordPress export (WXR: RSS 2.0 with WordPress's namespaces) into
plain records, with a hardened parser. Nothing here touches the database;
pages.wordpress imports what this returns."""

import hashlib
import json
import re
import zoneinfo
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml.ElementTree import iterparse

LONDON = zoneinfo.ZoneInfo("Europe/London")
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(1\.[0-2])/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/excerpt/$")
CONTENT_NAMESPACE = re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/$")
DC_NAMESPACE = re.compile(r"^https?://purl\.org/dc/elements/1\.1/$")


class WordPressImportError(Exception):
    """The export cannot be imported; the message says why and where."""


@dataclass(kw_only=True)
class WpComment:
    wp_id: int
    parent_id: int
    author: str
    email: str
    url: str
    ip: str
    date: datetime
    content: str
    approved: str
    type: str

    def source_hash(self) -> str:
        return fingerprint(_values(self))


@dataclass(kw_only=True)
class WpItem:
    number: int  # position in the file, for messages
    wp_id: int
    post_type: str
    status: str
    title: str
    slug: str
    link: str
    content: str
    excerpt: str
    creator: str
    date: datetime | None
    parent_id: int
    menu_order: int
    password: str
    comment_status: str
    categories: list[tuple[str, str]]  # (nicename, name)
    attachment_url: str
    attached_file: str
    mime_type: str
    description: str
    comments: list[WpComment] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f'item {self.number} ("{self.title or "no title"}", WordPress ID {self.wp_id})'

    def source_hash(self, **extra) -> str:
        data = _values(self)
        data.pop("comments")
        data.pop("number")
        data.pop("link")  # the old site's address may change; the item has not
        return fingerprint(data | extra)


@dataclass(kw_only=True)
class Export:
    site: str
    version: str
    authors: dict[str, str]  # login -> display name
    items: list[WpItem]


def _values(record) -> dict:
    """A record's fields, shallow (dataclasses.asdict deep-copies each value)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def fingerprint(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class _Reader:
    """Finds elements by the namespaces the file itself declares (http or
    https, WXR 1.0 to 1.2)."""

    def __init__(self, namespaces: dict[str, str]):
        self.ns = namespaces

    def find(self, element: Element, prefix: str, name: str) -> Element | None:
        uri = self.ns.get(prefix)
        return element.find(f"{{{uri}}}{name}" if uri else name) if uri or not prefix else None

    def text(self, element: Element, prefix: str, name: str, default: str = "") -> str:
        found = self.find(element, prefix, name)
        return (found.text or "") if found is not None else default

    def required(self, element: Element, prefix: str, name: str, where: str) -> str:
        found = self.find(element, prefix, name)
        if found is None:
            raise WordPressImportError(
                f"{where}: the required element <{prefix}:{name}> is missing."
            )
        return found.text or ""

    def findall(self, element: Element, prefix: str, name: str) -> list[Element]:
        uri = self.ns.get(prefix)
        return element.findall(f"{{{uri}}}{name}") if uri else []


def _integer(value: str, where: str, name: str) -> int:
    try:
        return int(value.strip() or 0)
    except ValueError:
        raise WordPressImportError(f"{where}: <{name}> is not a number ({value!r}).") from None


def _date(gmt: str, local: str, where: str) -> datetime | None:
    """The GMT date when there is one; else the local date, which WordPress
    wrote in the blog's time zone (Europe/London for this partnership)."""
    for value, zone in ((gmt, UTC), (local, LONDON)):
        value = value.strip()
        if not value or value.startswith("0000-00-00"):
            continue
        try:
            return (
                datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone).astimezone(UTC)
            )
        except ValueError:
            raise WordPressImportError(f"{where}: the date {value!r} is not a date.") from None
    return None


def _refusal(error: Exception) -> str:
    if isinstance(error, defusedxml.EntitiesForbidden):
        if error.sysid or error.pubid:
            return (
                f"it declares an external entity &{error.name}; ({error.sysid or error.pubid}), "
                "which could read files or addresses on this server (XXE); refused."
            )
        return (
            f"it declares the entity &{error.name};, which a WordPress export never does "
            "(entities can expand into a 'billion laughs' bomb); refused."
        )
    if isinstance(error, defusedxml.ExternalReferenceForbidden):
        return f"it refers to an external resource ({error.sysid}); refused."
    if isinstance(error, defusedxml.DTDForbidden):
        return "it declares a DTD, which a WordPress export never does; refused."
    return f"it is not well-formed XML ({error})."


def parse_export(path: Path) -> Export:
    """Read and check the whole file, or raise WordPressImportError."""
    namespaces: dict[str, str] = {}
    try:
        events = iterparse(str(path), events=("start-ns",))
        for _event, (prefix, uri) in events:
            namespaces.setdefault(prefix, uri)
        root = events.root
    except OSError as error:
        raise WordPressImportError(f"{path}: cannot be read ({error.strerror}).") from None
    except (ParseError, defusedxml.DefusedXmlException) as error:
        raise WordPressImportError(f"{path}: {_refusal(error)}") from None
    uris = set(namespaces.values())

    def declared(pattern: re.Pattern) -> str | None:
        return next((uri for uri in sorted(uris) if pattern.match(uri)), None)

    wp_uri = declared(WP_NAMESPACE)
    channel = root.find("channel") if root is not None and root.tag == "rss" else None
    if wp_uri is None or channel is None:
        raise WordPressImportError(
            f"{path}: this is not a WordPress export (WXR): it should be an <rss> document "
            "with a <channel> and the wp: namespace (http://wordpress.org/export/1.2/). "
            "Export it from WordPress with Tools → Export → All content."
        )
    reader = _Reader(
        {
            "wp": wp_uri,
            "excerpt": declared(EXCERPT_NAMESPACE) or "",
            "content": declared(CONTENT_NAMESPACE) or "",
            "dc": declared(DC_NAMESPACE) or "",
        }
    )
    site = (reader.text(channel, "wp", "base_blog_url") or reader.text(channel, "", "link")).strip()
    if not site:
        raise WordPressImportError(
            f"{path}: the export names no site (<wp:base_blog_url> or the channel's <link>)."
        )
    authors = {}
    for author in reader.findall(channel, "wp", "author"):
        login = reader.text(author, "wp", "author_login").strip()
        authors[login] = reader.text(author, "wp", "author_display_name").strip() or login
    items = [
        _item(reader, element, number)
        for number, element in enumerate(channel.findall("item"), start=1)
    ]
    return Export(
        site=site.rstrip("/"),
        version=WP_NAMESPACE.match(wp_uri).group(1),
        authors=authors,
        items=items,
    )


def _item(reader: _Reader, element: Element, number: int) -> WpItem:
    title = reader.text(element, "", "title")
    where = f'item {number} ("{title or "no title"}")'
    wp_id = _integer(reader.required(element, "wp", "post_id", where), where, "wp:post_id")
    where = f'item {number} ("{title or "no title"}", WordPress ID {wp_id})'
    post_type = reader.required(element, "wp", "post_type", where).strip()
    status = reader.required(element, "wp", "status", where).strip()
    meta = {
        reader.text(m, "wp", "meta_key"): reader.text(m, "wp", "meta_value")
        for m in reader.findall(element, "wp", "postmeta")
    }
    item = WpItem(
        number=number,
        wp_id=wp_id,
        post_type=post_type,
        status=status,
        title=title,
        slug=reader.text(element, "wp", "post_name").strip(),
        link=reader.text(element, "", "link").strip(),
        content=reader.text(element, "content", "encoded"),
        excerpt=reader.text(element, "excerpt", "encoded"),
        creator=reader.text(element, "dc", "creator").strip(),
        date=_date(
            reader.text(element, "wp", "post_date_gmt"),
            reader.text(element, "wp", "post_date"),
            where,
        ),
        parent_id=_integer(reader.text(element, "wp", "post_parent"), where, "wp:post_parent"),
        menu_order=_integer(reader.text(element, "wp", "menu_order"), where, "wp:menu_order"),
        password=reader.text(element, "wp", "post_password"),
        comment_status=reader.text(element, "wp", "comment_status", "open").strip(),
        categories=[
            (c.get("nicename", ""), c.text or "")
            for c in element.findall("category")
            if c.get("domain") == "category"
        ],
        attachment_url=reader.text(element, "wp", "attachment_url").strip(),
        attached_file=meta.get("_wp_attached_file", ""),
        mime_type=meta.get("_wp_attachment_metadata_mime", "")
        or reader.text(element, "wp", "post_mime_type"),
        description=meta.get("_yoast_wpseo_metadesc", ""),
    )
    for comment in reader.findall(element, "wp", "comment"):
        item.comments.append(_comment(reader, comment, where))
    return item


def _comment(reader: _Reader, element: Element, item_where: str) -> WpComment:
    where = f"a comment in {item_where}"
    wp_id = _integer(reader.required(element, "wp", "comment_id", where), where, "wp:comment_id")
    where = f"comment {wp_id} in {item_where}"
    date = _date(
        reader.text(element, "wp", "comment_date_gmt"),
        reader.text(element, "wp", "comment_date"),
        where,
    )
    if date is None:
        raise WordPressImportError(f"{where}: the comment has no date (<wp:comment_date>).")
    return WpComment(
        wp_id=wp_id,
        parent_id=_integer(
            reader.text(element, "wp", "comment_parent"), where, "wp:comment_parent"
        ),
        author=reader.text(element, "wp", "comment_author").strip(),
        email=reader.text(element, "wp", "comment_author_email").strip(),
        url=reader.text(element, "wp", "comment_author_url").strip(),
        ip=reader.text(element, "wp", "comment_author_IP").strip(),
        date=date,
        content=reader.text(element, "wp", "comment_content"),
        approved=reader.required(element, "wp", "comment_approved", where).strip(),
        type=reader.text(element, "wp", "comment_type").strip(),
    )
