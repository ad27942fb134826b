"""The editors' screens: pages, news and press releases, documents.

Every save is a revision (django-reversion: roll back, recover deleted
items; django-reversion-compare: see what changed between two revisions).
Bodies are edited in a rich-text editor and sanitised on the server whatever
the editor sends; times are UK time."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from . import services
from .forms import DocumentForm
from .models import Article, Document, Event, Page, Redirect, Region
from .sanitise import SanitisedHTMLField

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
}

UK_TIME = "UK time (Europe/London)"


@admin.display(description="live on the site", boolean=True)
def is_live(obj):
    return obj.is_live


@admin.display(description=f"publish time ({UK_TIME})", ordering="publish_at")
def publish_time(obj):
    return obj.publish_at


class VersionAdmin(CompareVersionAdmin):
    """django-reversion(-compare)'s history screens with the rights of the item's
    own change page: its compare view checks only that the user is staff, and
    its revision and recover views open any model's version by id. Reading a
    history or comparing needs view permission; opening a revision (roll back)
    or recovering needs change permission."""

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


class ContentAdmin(VersionAdmin):
    """What pages and articles share: the rich-text editor, UK times, the
    live-site link, and old addresses kept when a published slug changes."""

    formfield_overrides = {
        SanitisedHTMLField: {
            "form_class": ProseEditorFormField,
            "widget": AdminProseEditorWidget,
            "config": {"extensions": EDITOR_EXTENSIONS},
        }
    }
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    view_on_site = True

    class Media:
        js = ["js/prose-editor-labels.js"]

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
