"""Moving in from WordPress: import an export (WXR) in one transaction.

Posts become articles, pages keep their hierarchy, attachments become
documents, comments keep their threads, and every old address (the permalink,
?p=ID and ?page_id=ID) leads to the new one. Each imported record is
remembered in WordPressItem with two fingerprints, so running the same export
again changes nothing, and a newer one updates what changed in WordPress unless
an editor has changed it here since (that is reported, never overwritten).

`import_export()` is the entry point; `manage.py import_wordpress` calls it.
"""

import html
import ipaddress
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import nh3
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from comments import imports as comment_imports
from comments.models import Comment
from niromp_site.pagecache import content_changed

from .forms import DOCUMENT_TYPES, DocumentForm
from .models import (
    PAGE_MAX_LEVELS,
    RESERVED_SLUGS,
    Article,
    Document,
    Page,
    Redirect,
    Status,
    WordPressItem,
)
from .services import addresses_of, keep_old_addresses, record_first_versions
from .wordpress_content import to_html
from .wordpress_export import (
    Export,
    WordPressImportError,
    WpComment,
    WpItem,
    fingerprint,
    parse_export,
)

__all__ = ["ImportSummary", "WordPressImportError", "import_export"]

Kind = WordPressItem.Kind
SOURCE_LABEL = "WordPress"
ARTICLE_RESERVED_SLUGS = frozenset({"press-releases", "feed", "page"})
SKIPPED_TYPES = {"revision": "revisions", "nav_menu_item": "menu items"}
SKIPPED_STATUSES = {"trash": "in the bin", "auto-draft": "an automatic draft"}
COMMENT_STATUSES = {
    "1": Comment.Status.PUBLISHED,
    "0": Comment.Status.HELD,
    "spam": Comment.Status.SPAM,
}
COMMENT_WORDS = {"1": "approved", "0": "held", "spam": "spam"}


@dataclass
class ImportSummary:
    site: str = ""
    version: str = ""
    dry_run: bool = False
    created: Counter = field(default_factory=Counter)  # "pages: published" -> n
    unchanged: int = 0
    updated: Counter = field(default_factory=Counter)
    edited_here: list[str] = field(default_factory=list)
    password_protected: list[str] = field(default_factory=list)
    skipped_counts: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    redirects: int = 0
    notes: list[str] = field(default_factory=list)
    held_to_check: list[int] = field(default_factory=list)
    checked: int = 0

    def lines(self) -> list[str]:
        out = [f"WordPress export of {self.site} (WXR {self.version})."]
        if self.dry_run:
            out.append("Dry run: nothing below was written.")
        out.append("Created:" if self.created else "Created: nothing new.")
        out += [f"  {kind}: {n}" for kind, n in sorted(self.created.items())]
        out.append(f"Unchanged since the last import: {self.unchanged}")
        if self.updated:
            out.append("Updated from the export:")
            out += [f"  {kind}: {n}" for kind, n in sorted(self.updated.items())]
        if self.edited_here:
            out.append("Changed in WordPress but edited here since, so not overwritten:")
            out += [f"  {line}" for line in self.edited_here]
        if self.password_protected:
            out.append("Protected by a password in WordPress, imported as drafts:")
            out += [f"  {line}" for line in self.password_protected]
        if self.skipped_counts:
            out.append("Skipped:")
            out += [f"  {reason}: {n}" for reason, n in sorted(self.skipped_counts.items())]
            out += [f"  {line}" for line in self.skipped]
        out.append(
            f"Redirects created: {self.redirects} (old links with ?p=ID and ?page_id=ID "
            "lead to every imported post and page too)."
        )
        if self.notes:
            out.append("Notes:")
            out += [f"  {line}" for line in self.notes]
        if self.checked:
            out.append(f"Held comments sent to the spam check: {self.checked}")
        return out


def import_export(
    *,
    path: Path,
    dry_run: bool = False,
    media_dir: Path | None = None,
    press_category: str | None = None,
    check_held: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import a WordPress export, all of it or nothing (one transaction).
    Raises WordPressImportError, naming the problem and the item."""
    export = parse_export(path)
    if media_dir is not None and not media_dir.is_dir():
        raise WordPressImportError(f"--media-dir {media_dir} is not a folder.")
    summary = ImportSummary(site=export.site, version=export.version, dry_run=dry_run)
    importer = _Importer(
        export=export,
        summary=summary,
        media_dir=media_dir,
        press_category=press_category,
        progress=progress,
    )
    try:
        with transaction.atomic():
            importer.run()
            # What was imported is each item's first version in its history.
            record_first_versions("Imported from the old WordPress site.")
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        importer.remove_copied_files()
        raise
    if dry_run:
        importer.remove_copied_files()
    elif check_held:
        from comments import services  # only when asked: it may call Akismet

        for comment_id in summary.held_to_check:
            services.check_comment(comment_id=comment_id)
            summary.checked += 1
    return summary


def _plain_text(markup: str) -> str:
    """Text of a comment or an excerpt: paragraphs kept as blank lines, tags
    (and anything inside <script>) dropped, entities decoded."""
    text = markup.replace("\r\n", "\n")
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = re.sub(r"</p>\s*<p[^>]*>", "\n\n", text, flags=re.I)
    return html.unescape(nh3.clean(text, tags=set())).strip()


def _web_address(url: str) -> str:
    return url if re.match(r"https?://[^\s]+$", url, flags=re.I) else ""


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _old_path(link: str) -> str:
    """The path of an old permalink, as Django's request.path will read it."""
    return unquote(urlsplit(link).path) if link else ""


def _unique(base: str, taken, limit: int = 200) -> str:
    """`base`, or base-2, base-3...: the first that is not `taken` (a container)."""
    slug, n = base[:limit], 2
    while slug in taken:
        suffix = f"-{n}"
        slug, n = base[: limit - len(suffix)] + suffix, n + 1
    return slug


def stored_fingerprint(obj) -> str:
    """What the import wrote, as it is now: differs once an editor or a
    moderator has changed it here."""
    if isinstance(obj, Comment):
        values = [obj.author_name, obj.author_email, obj.author_url, obj.body, obj.status]
        values.append(obj.parent_id)
    elif isinstance(obj, Document):
        values = [obj.title, obj.external_url, obj.file.name if obj.file else ""]
    else:
        values = [obj.title, obj.slug, obj.status, obj.publish_at, obj.body, obj.comments_open]
        if isinstance(obj, Page):
            values += [obj.parent_id, obj.menu_order]
        else:
            values += [obj.kind, obj.byline, obj.summary]
    return fingerprint(
        [v.astimezone(UTC).isoformat() if hasattr(v, "astimezone") else v for v in values]
    )


class _Taken:
    """Slugs in use: in any of several collections."""

    def __init__(self, *collections):
        self.collections = collections

    def __contains__(self, slug) -> bool:
        return any(slug in collection for collection in self.collections)


class _Importer:
    def __init__(self, *, export: Export, summary, media_dir, press_category, progress):
        self.export = export
        self.summary = summary
        self.media_dir = media_dir.resolve() if media_dir else None
        self.press_category = (press_category or "").strip().lower()
        self.progress = progress or (lambda done, total: None)
        self.copied_files: list[str] = []
        self.links: dict[str, str] = {}  # attachment address -> document address
        self.documents: dict[int, Document] = {}  # attachment ID -> document
        self.targets: dict[int, Page | Article] = {}  # post/page ID -> content
        self.adopted: set[int] = set()  # IDs matched to content already here
        self.new_rows: list[WordPressItem] = []
        self.document_slugs: set[str] | None = None
        self.types = {
            model: ContentType.objects.get_for_model(model)
            for model in (Page, Article, Document, Comment)
        }

    # The whole run --------------------------------------------------------

    def run(self) -> None:
        self.rows = {
            (row.kind, row.wp_id): row
            for row in WordPressItem.objects.filter(site=self.export.site)
        }
        self.mapped = {(row.content_type_id, row.object_id) for row in self.rows.values()}
        kept = [item for item in self.export.items if self._kept(item)]
        self.total, self.done = len(kept) + sum(len(i.comments) for i in kept), 0
        by_type = {kind: [i for i in kept if i.post_type == kind] for kind in Kind.values}
        for item in by_type[Kind.ATTACHMENT]:
            self._attachment(item)
            self._tick()
        for item in self._parents_first(by_type[Kind.PAGE]):
            self._page(item)
            self._tick()
        self.article_slugs = dict(Article.objects.values_list("slug", "pk"))
        for item in by_type[Kind.POST]:
            self._article(item)
            self._tick()
        self._attach_documents(by_type[Kind.ATTACHMENT])
        self._comments([i for i in kept if i.post_type in (Kind.POST, Kind.PAGE)])
        self._redirects([i for i in kept if i.post_type in (Kind.POST, Kind.PAGE)])
        WordPressItem.objects.bulk_create(self.new_rows, batch_size=500)
        content_changed()  # bulk_create sends no signals (old links: /?p=ID)
        self.progress(self.total, self.total)

    def _tick(self, n: int = 1) -> None:
        self.done += n
        self.progress(self.done, self.total)

    def _kept(self, item: WpItem) -> bool:
        if item.post_type in SKIPPED_TYPES:
            self.summary.skipped_counts[SKIPPED_TYPES[item.post_type]] += 1
            return False
        if item.post_type not in Kind.values or item.post_type == Kind.COMMENT:
            self._skip(item, f"WordPress type '{item.post_type}' is not imported")
            return False
        if item.post_type != Kind.ATTACHMENT and item.status in SKIPPED_STATUSES:
            self._skip(item, SKIPPED_STATUSES[item.status])
            return False
        return True

    def _skip(self, item: WpItem, reason: str) -> None:
        self.summary.skipped_counts[reason] += 1
        self.summary.skipped.append(f"{item.label}: {reason}")

    def remove_copied_files(self) -> None:
        for name in self.copied_files:
            Document._meta.get_field("file").storage.delete(name)
        self.copied_files.clear()

    # Shared by pages, articles and documents --------------------------------

    def _remember(self, *, kind: str, wp_id: int, obj, source_hash: str, stored: str) -> None:
        self.new_rows.append(
            WordPressItem(
                site=self.export.site,
                kind=kind,
                wp_id=wp_id,
                content_type_id=self.types[type(obj)].pk,
                object_id=obj.pk,
                source_hash=source_hash,
                stored_hash=stored,
            )
        )
        self.mapped.add((self.types[type(obj)].pk, obj.pk))

    def _existing(self, kind: str, item: WpItem, model, source_hash: str):
        """(object, state) for an item imported before: state is "new" when it
        was not, "same" when it is to be left alone, "update" when WordPress
        changed it and nobody here has since."""
        row = self.rows.get((kind, item.wp_id))
        if row is None:
            return None, "new"
        obj = model.objects.filter(pk=row.object_id).first()
        if obj is None:
            self._skip(item, "deleted here since an earlier import")
            return None, "gone"
        if row.source_hash == source_hash:
            self.summary.unchanged += 1
            return obj, "same"
        if row.stored_hash != stored_fingerprint(obj):
            self.summary.edited_here.append(item.label)
            return obj, "same"
        return obj, "update"

    def _save_update(self, kind: str, item: WpItem, obj, fields: dict, source_hash: str):
        before = addresses_of(obj) if not isinstance(obj, Document) else {}
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save()
        if before:
            self.summary.redirects += keep_old_addresses(model=type(obj), before=before)
        row = self.rows[(kind, item.wp_id)]
        row.source_hash, row.stored_hash = source_hash, stored_fingerprint(obj)
        row.imported_at = timezone.now()
        row.save()
        self.summary.updated[f"{kind}s"] += 1

    def _adopt(self, kind: str, item: WpItem, obj, source_hash: str) -> None:
        """Content already on the site at the same address (the seed content,
        or an editor's copy) is linked to the WordPress item, not duplicated,
        and counts as edited here: the import never overwrites it."""
        self._remember(kind=kind, wp_id=item.wp_id, obj=obj, source_hash=source_hash, stored="")
        self.adopted.add(item.wp_id)
        self.summary.notes.append(
            f"{item.label}: already on this site at {obj.get_absolute_url()}; kept as it is."
        )

    def _publication(self, item: WpItem) -> tuple[str, object, str]:
        """(status, publish time, how to count it)."""
        date = item.date
        if item.status in ("publish", "future") and date is None:
            raise WordPressImportError(f"{item.label}: it is published but has no date.")
        date = date or timezone.now()
        if item.password:
            self.summary.password_protected.append(item.label)
            return Status.DRAFT, date, "draft (password)"
        if item.status == "publish":
            return Status.PUBLISHED, date, "published"
        if item.status == "future":
            return Status.PUBLISHED, date, "scheduled"
        if item.status in ("draft", "pending", "private"):
            return Status.DRAFT, date, "draft"
        raise WordPressImportError(f"{item.label}: unknown status '{item.status}'.")

    def _title(self, item: WpItem) -> str:
        title = html.unescape(item.title).strip() or f"Untitled (WordPress {item.wp_id})"
        if len(title) > 200:
            self.summary.notes.append(f"{item.label}: title shortened to 200 characters.")
        return title[:200]

    def _base_slug(self, item: WpItem, title: str) -> str:
        return slugify(unquote(item.slug)) or slugify(title) or f"wordpress-{item.wp_id}"

    # Attachments -------------------------------------------------------------

    def _attachment(self, item: WpItem) -> None:
        url = _web_address(item.attachment_url)
        if not url:
            self._skip(item, "an attachment without a web address")
            return
        source_hash = item.source_hash(media=bool(self.media_dir))
        document, state = self._existing(Kind.ATTACHMENT, item, Document, source_hash)
        if state == "new":
            document = self._new_document(item, url, source_hash)
        elif state == "update":
            self._save_update(
                Kind.ATTACHMENT, item, document, {"title": self._title(item)}, source_hash
            )
        if document is None:
            return
        self.documents[item.wp_id] = document
        if document.file:
            for scheme in ("http", "https"):
                self.links[re.sub(r"^https?", scheme, url)] = document.url

    def _new_document(self, item: WpItem, url: str, source_hash: str) -> Document:
        title = self._title(item)
        if self.document_slugs is None:
            self.document_slugs = set(Document.objects.values_list("slug", flat=True))
        slug = _unique(self._base_slug(item, title), self.document_slugs)
        self.document_slugs.add(slug)
        name = PurePosixPath(urlsplit(url).path).name
        extension = PurePosixPath(name).suffix.lower()
        file_type = DOCUMENT_TYPES.get(extension, (extension.lstrip(".").upper(),))[0]
        document = self._copy_file(item, url, title=title, slug=slug, name=name)
        if document is None:
            document = Document.objects.create(
                title=title, slug=slug, external_url=url[:500], file_type=file_type[:20]
            )
            how = "by address"
        else:
            how = "file copied"
        self.summary.created[f"documents: {how}"] += 1
        self._remember(
            kind=Kind.ATTACHMENT,
            wp_id=item.wp_id,
            obj=document,
            source_hash=source_hash,
            stored=stored_fingerprint(document),
        )
        return document

    def _media_path(self, item: WpItem, url: str) -> Path | None:
        """Where the file sits in the old site's uploads folder."""
        relative = item.attached_file
        if not relative:
            path = unquote(urlsplit(url).path)
            relative = path.split("/uploads/", 1)[1] if "/uploads/" in path else path.lstrip("/")
        candidate = (self.media_dir / relative).resolve()
        if not candidate.is_relative_to(self.media_dir):
            raise WordPressImportError(
                f"{item.label}: its file {relative!r} points outside --media-dir; refused."
            )
        return candidate if candidate.is_file() else None

    def _copy_file(self, item: WpItem, url: str, *, title: str, slug: str, name: str):
        """The file, through the same checks as an editor's upload; None when
        there is no media folder, or the file is missing or refused."""
        if self.media_dir is None:
            return None
        path = self._media_path(item, url)
        if path is None:
            self.summary.notes.append(
                f"{item.label}: not found in --media-dir; recorded by its address."
            )
            return None
        upload = SimpleUploadedFile(name, path.read_bytes())
        form = DocumentForm(data={"title": title, "slug": slug}, files={"file": upload})
        if not form.is_valid():
            problems = " ".join(" ".join(errors) for errors in form.errors.values())
            self.summary.notes.append(
                f"{item.label}: the file was refused ({problems}); recorded by its address."
            )
            return None
        document = form.save()
        self.copied_files.append(document.file.name)
        return document

    # Pages and articles ------------------------------------------------------

    def _parents_first(self, pages: list[WpItem]) -> list[WpItem]:
        by_id = {item.wp_id: item for item in pages}
        ordered, seen = [], set()

        def visit(item: WpItem, trail: set[int]) -> None:
            if item.wp_id in seen:
                return
            parent = by_id.get(item.parent_id)
            if parent is not None and parent.wp_id not in trail:
                visit(parent, trail | {item.wp_id})
            seen.add(item.wp_id)
            ordered.append(item)

        for item in pages:
            visit(item, set())
        return ordered

    def _body(self, item: WpItem) -> str:
        if re.search(r"<img\b", item.content, flags=re.I):
            self.summary.notes.append(
                f"{item.label}: its images are left out (the site's editor has none)."
            )
        if re.search(r"\[gallery\b", item.content, flags=re.I):
            self.summary.notes.append(f"{item.label}: its gallery is left out.")
        return to_html(item.content, links=self.links)

    def _page(self, item: WpItem) -> None:
        title = self._title(item)
        status, publish_at, counted = self._publication(item)
        parent = self._page_parent(item)
        is_home = parent is None and unquote(item.slug) == "home"
        fields = {
            "title": title,
            "status": status,
            "publish_at": publish_at,
            "parent": parent,
            # WordPress gives every page 0; only a chosen position puts a
            # top-level page in the main navigation.
            "menu_order": (item.menu_order or (0 if is_home else None)) if parent is None else None,
            "body": self._body(item),
            "description": _plain_text(item.description)[:300],
            "comments_open": item.comment_status == "open",
        }
        source_hash = item.source_hash(parent=parent.pk if parent else None)
        page, state = self._existing(Kind.PAGE, item, Page, source_hash)
        base = self._base_slug(item, title)
        if state == "new":
            here = Page.objects.filter(parent=parent, slug=base).first()
            if here is not None and (self.types[Page].pk, here.pk) not in self.mapped:
                self._adopt(Kind.PAGE, item, here, source_hash)
                self.targets[item.wp_id] = here
                return
            taken = set(Page.objects.filter(parent=parent).values_list("slug", flat=True))
            if parent is None:
                taken |= RESERVED_SLUGS - {"home"}
            slug = _unique(base, taken)
            if slug != base:
                self.summary.notes.append(f"{item.label}: its address is now /{slug}/.")
            page = Page.objects.create(slug=slug, **fields)
            self.summary.created[f"pages: {counted}"] += 1
            self._remember(
                kind=Kind.PAGE,
                wp_id=item.wp_id,
                obj=page,
                source_hash=source_hash,
                stored=stored_fingerprint(page),
            )
        elif state == "update":
            self._save_update(Kind.PAGE, item, page, fields | {"slug": page.slug}, source_hash)
        if page is not None:
            self.targets[item.wp_id] = page

    def _page_parent(self, item: WpItem) -> Page | None:
        """The page it sits in; deeper than the site allows, the deepest
        section that may hold it."""
        parent = self.targets.get(item.parent_id) if item.parent_id else None
        if item.parent_id and parent is None:
            self.summary.notes.append(
                f"{item.label}: its parent page was not imported; it is now a top-level page."
            )
        if parent is not None and isinstance(parent, Page):
            chain = [parent, *parent.ancestors]
            if len(chain) >= PAGE_MAX_LEVELS:
                parent = chain[-(PAGE_MAX_LEVELS - 1)]
                self.summary.notes.append(
                    f"{item.label}: pages sit at most {PAGE_MAX_LEVELS} levels deep; "
                    f"it is now in {parent.get_absolute_url()}."
                )
            return parent
        return None

    def _article(self, item: WpItem) -> None:
        title = self._title(item)
        status, publish_at, counted = self._publication(item)
        press = bool(self.press_category) and any(
            self.press_category in (nicename.lower(), html.unescape(name).strip().lower())
            for nicename, name in item.categories
        )
        kind = Article.Kind.PRESS_RELEASE if press else Article.Kind.NEWS
        summary = _plain_text(item.excerpt)
        fields = {
            "title": title,
            "status": status,
            "publish_at": publish_at,
            "kind": kind,
            "byline": self.export.authors.get(item.creator, item.creator)[:200],
            "summary": summary,
            "description": (_plain_text(item.description) or summary)[:300],
            "body": self._body(item),
            "comments_open": item.comment_status == "open",
        }
        source_hash = item.source_hash(press=press)
        article, state = self._existing(Kind.POST, item, Article, source_hash)
        base = self._base_slug(item, title)
        if state == "new":
            here = self.article_slugs.get(base)
            if here is not None and (self.types[Article].pk, here) not in self.mapped:
                here = Article.objects.get(pk=here)
                self._adopt(Kind.POST, item, here, source_hash)
                self.targets[item.wp_id] = here
                return
            slug = _unique(base, _Taken(self.article_slugs, ARTICLE_RESERVED_SLUGS))
            if slug != base:
                self.summary.notes.append(f"{item.label}: its address is now /news/{slug}/.")
            article = Article.objects.create(slug=slug, **fields)
            self.article_slugs[slug] = article.pk
            self.summary.created[f"articles ({kind.label.lower()}): {counted}"] += 1
            self._remember(
                kind=Kind.POST,
                wp_id=item.wp_id,
                obj=article,
                source_hash=source_hash,
                stored=stored_fingerprint(article),
            )
        elif state == "update":
            self._save_update(
                Kind.POST, item, article, fields | {"slug": article.slug}, source_hash
            )
        if article is not None:
            self.targets[item.wp_id] = article

    def _attach_documents(self, attachments: list[WpItem]) -> None:
        """A document attached to a page in WordPress is listed among the
        page's downloads (images are not downloads)."""
        for item in attachments:
            document = self.documents.get(item.wp_id)
            page = self.targets.get(item.parent_id)
            image = PurePosixPath(urlsplit(item.attachment_url).path).suffix.lower() in {
                ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".bmp", ".heic",
            }  # fmt: skip
            new = (Kind.ATTACHMENT, item.wp_id) not in self.rows
            if document and isinstance(page, Page) and not image and new:
                page.documents.add(document)

    # Comments ----------------------------------------------------------------

    def _comments(self, items: list[WpItem]) -> None:
        rows = {wp_id: row for (kind, wp_id), row in self.rows.items() if kind == Kind.COMMENT}
        known = Comment.objects.in_bulk([row.object_id for row in rows.values()])
        saved: dict[int, Comment] = {  # WordPress comment ID -> comment here
            wp_id: known[row.object_id] for wp_id, row in rows.items() if row.object_id in known
        }
        levels: list[list[tuple[WpItem, WpComment]]] = []
        for item in items:
            target = self.targets.get(item.wp_id)
            if target is None:
                if item.comments:
                    self.summary.skipped_counts["comments on content not imported"] += len(
                        item.comments
                    )
                continue
            for comment, level, parent_id in self._thread(item):
                if comment.wp_id in rows:
                    self._existing_comment(
                        item, comment, target, saved, rows[comment.wp_id], parent_id
                    )
                    continue
                while len(levels) <= level:
                    levels.append([])
                levels[level].append((item, comment, parent_id))
        adoptable = self._adoptable_comments()
        for level in levels:
            specs, pending = [], []
            for item, comment, parent_id in level:
                target = self.targets[item.wp_id]
                spec = self._spec(comment, target, saved.get(parent_id))
                match = adoptable.pop((target.pk, type(target), spec.author_name, spec.body), None)
                if match is not None:
                    saved[comment.wp_id] = match
                    self._remember_comment(comment, match, stored="")
                    self.summary.unchanged += 1
                    continue
                specs.append(spec)
                pending.append(comment)
            created = comment_imports.import_comments(items=specs, source_label=SOURCE_LABEL)
            self._tick(len(level))
            for comment, made in zip(pending, created, strict=True):
                saved[comment.wp_id] = made
                self._remember_comment(comment, made, stored=stored_fingerprint(made))
                label = "pingbacks" if made.is_pingback else "comments"
                self.summary.created[f"{label}: {made.status}"] += 1
                if made.status == Comment.Status.HELD:
                    self.summary.held_to_check.append(made.pk)

    def _adoptable_comments(self) -> dict:
        """Comments already under content that was matched rather than
        imported (the seed's old-site comments), by target, author and text."""
        if not self.adopted:
            return {}
        found = {}
        for wp_id in self.adopted:
            target = self.targets[wp_id]
            for comment in Comment.objects.for_target(target):
                if (self.types[Comment].pk, comment.pk) in self.mapped:
                    continue
                key = (target.pk, type(target), comment.author_name, comment.body.strip())
                found.setdefault(key, comment)
        return found

    def _thread(self, item: WpItem) -> list[tuple[WpComment, int, int]]:
        """The comments worth keeping, each with its level in the thread
        (0 for a top-level one) and its parent's ID (0 for none); a reply to
        a dropped comment moves up to the nearest kept one."""
        by_id = {c.wp_id: c for c in item.comments}
        kept = {}
        for comment in item.comments:
            if comment.approved in ("trash", "post-trashed"):
                self.summary.skipped_counts["comments in the bin"] += 1
            elif comment.approved not in COMMENT_STATUSES:
                raise WordPressImportError(
                    f"comment {comment.wp_id} in {item.label}: unknown status "
                    f"<wp:comment_approved>{comment.approved}</wp:comment_approved>."
                )
            else:
                kept[comment.wp_id] = comment

        def kept_parent(comment: WpComment) -> int:
            parent_id, seen = comment.parent_id, {comment.wp_id}
            while parent_id and parent_id not in kept and parent_id in by_id:
                if parent_id in seen:
                    return 0
                seen.add(parent_id)
                parent_id = by_id[parent_id].parent_id
            return parent_id if parent_id in kept else 0

        parents = {wp_id: kept_parent(c) for wp_id, c in kept.items()}

        def level(wp_id: int, seen: frozenset = frozenset()) -> int:
            parent_id = parents[wp_id]
            if not parent_id or parent_id in seen:
                return 0
            return level(parent_id, seen | {wp_id}) + 1

        result = [(c, level(c.wp_id), parents[c.wp_id]) for c in kept.values()]
        return sorted(result, key=lambda found: found[1])

    @staticmethod
    def _spec(
        comment: WpComment, target, parent: Comment | None
    ) -> comment_imports.ImportedComment:
        pingback = comment.type in ("pingback", "trackback")
        return comment_imports.ImportedComment(
            target=target,
            parent=parent,
            kind=Comment.Kind.PINGBACK if pingback else Comment.Kind.COMMENT,
            author_name=html.unescape(comment.author).strip() or "Anonymous",
            author_email=comment.email if "@" in comment.email else "",
            author_url=_web_address(comment.url),
            body=_plain_text(comment.content),
            status=COMMENT_STATUSES[comment.approved],
            submitted_at=comment.date,
            ip_address=_ip(comment.ip),
            user_agent="",
            old_status=COMMENT_WORDS[comment.approved],
        )

    def _existing_comment(self, item, comment: WpComment, target, saved, row, parent_id) -> None:
        here = saved.get(comment.wp_id)
        if here is None:
            self.summary.skipped_counts["comments deleted here since an earlier import"] += 1
            return
        if row.source_hash == comment.source_hash():
            self.summary.unchanged += 1
            return
        if row.stored_hash != stored_fingerprint(here):
            self.summary.edited_here.append(f"comment {comment.wp_id} in {item.label}")
            return
        spec = self._spec(comment, target, saved.get(parent_id))
        comment_imports.update_imported_comment(comment=here, item=spec, source_label=SOURCE_LABEL)
        row.source_hash, row.stored_hash = comment.source_hash(), stored_fingerprint(here)
        row.save()
        self.summary.updated["comments"] += 1

    def _remember_comment(self, comment: WpComment, made: Comment, *, stored: str) -> None:
        self._remember(
            kind=Kind.COMMENT,
            wp_id=comment.wp_id,
            obj=made,
            source_hash=comment.source_hash(),
            stored=stored,
        )

    # Old addresses -----------------------------------------------------------

    def _redirects(self, items: list[WpItem]) -> None:
        """Each item's old permalink leads to its new address (?p=ID and
        ?page_id=ID are answered from WordPressItem by the middleware)."""
        existing = set(Redirect.objects.values_list("old_path", flat=True))
        new = []
        for item in items:
            target = self.targets.get(item.wp_id)
            old_path = _old_path(item.link)
            if target is None or old_path in ("", "/") or old_path in existing:
                continue
            if old_path == target.get_absolute_url():
                continue
            existing.add(old_path)
            new.append(Redirect(old_path=old_path[:500], **Redirect.pointing_at(target)))
        Redirect.objects.bulk_create(new, batch_size=500)
        content_changed()
        self.summary.redirects += len(new)
