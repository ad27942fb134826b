from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView, TemplateView

from comments.views import CommentsMixin

from .models import Article, Document, Page


class PageDetailView(CommentsMixin, DetailView):
    """A page found by its path (/section/page/); it and every section above
    it must be published."""

    template_name = "pages/page_detail.html"
    context_object_name = "page"

    def get_object(self, queryset=None):
        path = self.kwargs.get("path", "home")
        *_, slug = path.split("/")
        candidates = (
            Page.objects.published().filter(slug=slug).select_related("parent", "parent__parent")
        )
        for page in candidates:
            if page.path == path and all(a.is_live for a in page.ancestors):
                return page
        raise Http404("No page at this address.")

    def get_context_data(self, **kwargs):
        page = self.object
        return super().get_context_data(
            documents=list(page.documents.all()),
            children=list(page.children.published().order_by("menu_order", "title")),
            **kwargs,
        )


class HomeView(PageDetailView):
    template_name = "pages/home.html"

    def get_object(self, queryset=None):
        return get_object_or_404(Page.objects.published(), slug="home", parent=None)

    def get_context_data(self, **kwargs):
        latest = Article.objects.published()[:3]
        return super().get_context_data(latest_articles=list(latest), **kwargs)


class ArticleListView(ListView):
    """News and press releases, newest first; `kind` narrows it to one kind."""

    kind = None
    paginate_by = 10
    context_object_name = "articles"

    def get_queryset(self):
        articles = Article.objects.published()
        if self.kind:
            articles = articles.filter(kind=self.kind)
        return articles.only("title", "slug", "kind", "summary", "byline", "publish_at", "status")

    def get_context_data(self, **kwargs):
        heading = Article.Kind(self.kind).label + "s" if self.kind else "News"
        return super().get_context_data(heading=heading, kind=self.kind, **kwargs)


class ArticleDetailView(CommentsMixin, DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published()


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain"


def document_download(request, slug):
    """An uploaded document, shown inline by the browser with its own name;
    a document published elsewhere redirects there."""
    document = get_object_or_404(Document, slug=slug)
    if document.file:
        return FileResponse(document.file.open("rb"), filename=document.file.name.split("/")[-1])
    if document.external_url:
        return redirect(document.external_url)
    raise Http404("This document has no file yet.")
