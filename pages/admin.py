from django.contrib import admin
from django.utils.html import format_html

from .models import Article, Document, Page


@admin.display(description="live on the site", boolean=True)
def is_live(obj):
    return obj.is_live


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "parent", "status", is_live, "publish_at", "menu_order", "updated_at"]
    list_filter = ["status", "parent"]
    search_fields = ["title", "body", "description"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["documents"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "parent", "body", "description"]}),
        ("Publishing", {"fields": ["status", "publish_at", "menu_order"]}),
        ("Downloads", {"fields": ["documents_heading", "documents"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "byline", "status", is_live, "publish_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "summary", "body", "byline"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "byline", "summary", "body", "description"]}),
        ("Press release", {"fields": ["press_contact", "notes_to_editors"]}),
        ("Publishing", {"fields": ["status", "publish_at"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "file_type", "download", "created_at"]
    list_filter = ["file_type"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at"]

    @admin.display(description="download")
    def download(self, obj):
        if not obj.is_available:
            return "no file yet"
        return format_html('<a href="{}">{}</a>', obj.url, "open")
