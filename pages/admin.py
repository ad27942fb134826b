"""The editors' screens: pages, news and press releases, documents.

Every save is a revision (django-reversion: roll back, recover deleted
items; django-reversion-compare: see what changed between two revisions).
Bodies are edited in a rich-text editor and sanitised on the server whatever
the editor sends; times are UK time."""

import re
from difflib import SequenceMatcher

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey, ForeignObjectRel
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from . import services
from .forms import DocumentForm
from .models import Article, Document, Event, Page, Redirect, Region
from .sanitise import SanitisedHTMLField, sanitise_html, words_of

# What the editor offers is what the sanitiser keeps (pages/sanitise.py).
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False},
    "HardBreak": True,
    "History": True,
    # The library turns the browser's spell-checker off by default; editors
    # writing for the public want it on.
    "NoSpellCheck": False,
}

# Wide enough to read a whole title or address while typing it.
WIDE_INPUT = forms.TextInput(attrs={"class": "wide-field"})
# A short box for a sentence or two, with a running count of what is left
# (static/js/character-count.js reads maxlength).
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 3, "class": "wide-field", "data-count": ""})
# Fields every version has changed, so a comparison would show them every time.
BOOKKEEPING_FIELDS = ["created_at", "updated_at"]

UK_TIME = "UK time (Europe/London)"


@admin.display(description="live on the site", boolean=True)
def is_live(obj):
    return obj.is_live


@admin.display(description=f"publish time ({UK_TIME})", ordering="publish_at")
def publish_time(obj):
    return obj.publish_at


def word_diff(before: str, after: str) -> SafeString:
    """The words removed (<del>) and added (<ins>) between two texts, line
    breaks kept; every word escaped, since the text came from rich text."""
    old, new = re.findall(r"\S+|\n", before), re.findall(r"\S+|\n", after)
    parts = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(' '.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(' '.join(new[j1:j2]))}</ins>")
    text = " ".join(parts).replace(" \n ", "\n")
    return mark_safe(f'<div class="word-diff">{text}</div>')  # noqa: S308 (escaped above)


class VersionAdmin(CompareVersionAdmin):
    """django-reversion(-compare)'s history screens with the rights of the item's
    own change page: its compare view checks only that the user is staff, and
    its revision and recover views open any model's version by id. Reading a
    history or comparing needs view permission; opening a revision (roll back)
    or recovering needs change permission. A comparison shows the words that
    changed in rich text, not its HTML, and leaves out bookkeeping times."""

    compare_exclude = BOOKKEEPING_FIELDS

    def compare(self, obj, version1, version2):
        """What the item itself says. Other records pointing at it (a page's
        sub-pages, its comments) are not part of its versions, and a link to
        another item changed only if it points elsewhere; the library would
        list both as "changed" every time."""

        def changed(field):
            if isinstance(field, ForeignObjectRel):
                return False
            if isinstance(field, ForeignKey):
                before, after = (v.field_dict.get(field.attname) for v in (version1, version2))
                return before != after
            return True

        result = super().compare(obj, version1, version2)
        result.diff = [d for d in result.diff if changed(d["field"])]
        result.has_unfollowed_fields = any(d["is_related"] and not d["follow"] for d in result.diff)
        return result

    def compare_TextField(self, obj_compare):
        if not isinstance(obj_compare.field, SanitisedHTMLField):
            return self.fallback_compare(obj_compare)
        before, after = (words_of(value) for value in obj_compare.to_string())
        return word_diff(before, after)

    def _own_version(self, version_id, **lookups) -> Version:
        content_type = ContentType.objects.get_for_model(self.model)
        return get_object_or_404(Version, pk=version_id, content_type=content_type, **lookups)

    def _require(self, permission, request, object_id=None):
        """`permission` (a has_..._permission method) on the model, then on the item."""
        if not permission(request):
            raise PermissionDenied
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404("No such item.")
            if not permission(request, obj):
                raise PermissionDenied

    def history_view(self, request, object_id, extra_context=None):
        self._require(self.has_view_or_change_permission, request, object_id)
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id, extra_context=None):
        self._require(self.has_view_or_change_permission, request, object_id)
        return super().compare_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        self._require(self.has_change_permission, request, object_id)
        self._own_version(version_id, object_id=unquote(object_id))
        return super().revision_view(request, object_id, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        self._require(self.has_add_permission, request)
        self._require(self.has_change_permission, request)
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        self._require(self.has_add_permission, request)
        self._require(self.has_change_permission, request)
        self._own_version(version_id)
        return super().recover_view(request, version_id, extra_context)


# Between two tags, whitespace the browser's editor drops when it saves.
BETWEEN_TAGS = re.compile(r">\s+<")


class RichTextFormField(ProseEditorFormField):
    """The rich-text editor's field. The editor writes the same HTML back
    laid out its own way (no line breaks between blocks, its own entities),
    so an untouched body would count as changed and the history would say
    "Changed Body" when only the title changed: compare what a reader would
    get instead."""

    def has_changed(self, initial, data):
        def canonical(value):
            return BETWEEN_TAGS.sub("><", sanitise_html(value or "").strip())

        return canonical(initial) != canonical(self.to_python(data))


class ContentAdmin(VersionAdmin):
    """What pages and articles share: the rich-text editor, UK times, the
    live-site link, and old addresses kept when a published slug changes."""

    formfield_overrides = {
        SanitisedHTMLField: {
            "form_class": RichTextFormField,
            "widget": AdminProseEditorWidget,
            "config": {"extensions": EDITOR_EXTENSIONS},
        }
    }
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    view_on_site = True
    # A long press release is thousands of pixels tall: Save at the top too.
    save_on_top = True

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/prose-editor-labels.js", "js/character-count.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("title", "slug"):
            kwargs["widget"] = WIDE_INPUT
        elif db_field.name == "description":
            kwargs["widget"] = SHORT_TEXTAREA
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "regions":  # nine of them: tick boxes read best
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "publish_at" in form.base_fields:
            form.base_fields["publish_at"].help_text = (
                f"{UK_TIME}. A published item appears on the site from this time; "
                "a time in the future schedules it. Staff can preview it before then."
            )
        return form

    def save_model(self, request, obj, form, change):
        saved = type(obj).objects.filter(pk=obj.pk).first() if change else None
        before = services.addresses_of(saved) if saved is not None and saved.is_public else None
        super().save_model(request, obj, form, change)
        if before:
            services.keep_old_addresses(model=type(obj), before=before)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Rolling back can move content too: reversion reverts the row before
        save_model runs, so note the live addresses first."""
        obj = self.model.objects.filter(pk=object_id).first()
        before = None
        if request.method == "POST" and obj is not None and obj.is_public:
            before = services.addresses_of(obj)
        response = super().revision_view(request, object_id, version_id, extra_context)
        if before and response.status_code == 302:
            services.keep_old_addresses(model=self.model, before=before)
        return response


@admin.register(Page)
class PageAdmin(ContentAdmin):
    list_display = ["title", "parent", "status", is_live, publish_time, "menu_order", "updated_at"]
    list_filter = ["status", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "body", "description"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["documents"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "parent", "body", "description"]}),
        ("Publishing", {"fields": ["status", "publish_at", "menu_order", "comments_open"]}),
        ("Downloads", {"fields": ["documents_heading", "documents"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


@admin.register(Article)
class ArticleAdmin(ContentAdmin):
    list_display = ["title", "kind", "byline", "status", is_live, publish_time]
    list_filter = ["kind", "status", "regions"]
    search_fields = ["title", "summary", "body", "byline"]
    date_hierarchy = "publish_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    *["kind", "title", "slug", "byline", "summary", "body", "description"],
                    "regions",
                ]
            },
        ),
        ("Press release", {"fields": ["press_contact", "notes_to_editors"]}),
        ("Publishing", {"fields": ["status", "publish_at", "comments_open"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


@admin.register(Event)
class EventAdmin(ContentAdmin):
    list_display = [
        "title",
        "kind",
        "start",
        "event_status",
        "status",
        is_live,
        publish_time,
    ]
    list_filter = ["kind", "event_status", "status", "regions"]
    search_fields = ["title", "body", "location", "description"]
    date_hierarchy = "start"
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "start", "end", "location", "regions"]}),
        (None, {"fields": ["body", "description", "booking_url", "by_invitation"]}),
        ("Publishing", {"fields": ["event_status", "status", "publish_at", "comments_open"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description=f"start ({UK_TIME})", ordering="start")
    def start(self, obj):
        return obj.start


@admin.register(Region)
class RegionAdmin(VersionAdmin):
    """The nine regions are made by a migration; editors fill in what is known."""

    formfield_overrides = ContentAdmin.formfield_overrides
    list_display = ["name", "chair", "vice_chair", "contact", "updated_at"]
    search_fields = ["name", "chair", "vice_chair"]
    fields = ["name", "slug", "introduction", "chair", "vice_chair", "contact", "updated_at"]
    readonly_fields = ["name", "slug", "updated_at"]
    view_on_site = True

    class Media:
        js = ["js/prose-editor-labels.js"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(VersionAdmin):
    form = DocumentForm
    fields = [
        "title",
        "slug",
        "file",
        "external_url",
        "file_type",
        "public_on_its_own",
        "created_at",
    ]
    list_display = ["title", "file_type", "download", "used_on", "public_on_its_own", "created_at"]
    list_filter = ["file_type", "public_on_its_own"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("pages")

    @admin.display(description="download")
    def download(self, obj):
        if not obj.is_available:
            return "no file yet"
        return format_html('<a href="{}">open</a>', obj.url)

    @admin.display(description="listed on")
    def used_on(self, obj):
        return ", ".join(page.title for page in obj.pages.all()) or "—"


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "target", "created_at"]
    search_fields = ["old_path"]
    raw_id_fields = ["page", "article", "event"]
