import re
from functools import lru_cache
from types import SimpleNamespace

from crispy_forms.templatetags.crispy_forms_tags import CrispyFormNode
from crispy_forms.utils import render_crispy_form
from django import template
from django.conf import settings
from django.template import Context
from django.template.defaultfilters import date
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.html import escape, format_html, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from niromp_site import memo

from ..forms import CommentForm

register = template.Library()


# What urlize() can make a link of: a scheme, "www.", an e-mail address or one
# of the top-level domains it links bare. Text with none of them is escaped
# alone (urlize is the slow part of a long thread).
MAY_LINK = re.compile(r"://|www\.|@|\.(?:com|edu|gov|int|mil|net|org)\b", re.IGNORECASE)


@register.filter
@lru_cache(maxsize=2048)  # a pure function of the text; bounded (comments are short)
def comment_text(text: str) -> str:
    """A reader's plain text as safe HTML: every character escaped, blank lines
    making paragraphs, line breaks kept, and web addresses made into links that
    pass on no reputation (rel="nofollow ugc noopener")."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    html = "".join(
        "<p>{}</p>".format(_linked(paragraph).replace("\n", "<br>"))
        for paragraph in paragraphs
        if paragraph.strip()
    )
    return mark_safe(html.replace('rel="nofollow"', 'rel="nofollow ugc noopener"'))  # noqa: S308 (escaped by urlize)


def _linked(text: str) -> str:
    if MAY_LINK.search(text):
        return urlize(text, nofollow=True, autoescape=True)
    return escape(text)


@register.filter(expects_localtime=True)
def cached_date(value, arg):
    """Django's `date` filter, remembered: a thread shows each comment's time
    twice, and formatting a date is a large part of rendering a long one."""
    return _date(value, arg, get_language())


@lru_cache(maxsize=4096)  # bounded; a pure function of its arguments
def _date(value, arg, language):  # language: only part of the key
    return date(value, arg)


ARTICLE = "comments/comment_article.html"


@register.simple_tag(takes_context=True)
def comment_items(context, comments):
    """Each comment's <li> in the thread, its replies nested in a list of
    their own, a removed one as a placeholder. Written here rather than by a
    template included once per comment: the include's machinery was most of
    the time a long thread took to render."""
    return mark_safe("".join(_comment_item(context, comment) for comment in comments))  # noqa: S308 (built from escaped parts)


def _comment_item(context, comment) -> str:
    if comment.is_removed:
        state = " comment--removed"
        article = format_html(
            '<article id="comment-{}" aria-label="Removed comment">'
            '<p class="comment__removed">[removed]</p></article>',
            comment.pk,
        )
    else:
        state = "" if comment.is_published else " comment--held"
        article = comment_article(context, comment)
    replies = getattr(comment, "thread_replies", None)
    nested = ""
    if replies:
        items = "".join(_comment_item(context, reply) for reply in replies)
        nested = f'<ol class="comment-list comment-list--replies">{items}</ol>'
    return f'<li class="comment{state}">{article}{nested}</li>'


@register.simple_tag(takes_context=True)
def comment_article(context, comment):
    """A comment's <article> in the thread. A published comment's is the same
    for every reader who sees that page of the thread, so it is rendered once
    for what it shows (every value it reads is in the key: an edit, a new
    status or a closed thread makes a new one); the reader's own held or
    just-posted comment is rendered for them."""
    page = context.get("comments_page")
    own = not comment.is_published or comment.pk == context.get("posted_comment_id")
    if own or settings.DEBUG:
        with context.push(comment=comment):
            return context.template.engine.get_template(ARTICLE).render(context)
    return _published_article(
        comment.pk,
        comment.author_name,
        comment.author_url,
        comment.source,
        comment.submitted_at,
        comment.body,
        comment.is_pingback,
        comment.can_reply,
        page.number if page is not None else 1,
        context.get("comments_page_parameter"),
    )


@lru_cache(maxsize=2048)  # bounded; a pure function of what the comment shows
def _published_article(pk, name, url, source, at, body, pingback, can_reply, number, parameter):
    comment = SimpleNamespace(
        pk=pk,
        author_name=name,
        author_url=url,
        source=source,
        submitted_at=at,
        body=body,
        is_pingback=pingback,
        is_published=True,
        can_reply=can_reply,
    )
    return get_template(ARTICLE).render(
        {
            "comment": comment,
            "comments_page": SimpleNamespace(number=number),
            "comments_page_parameter": parameter,
        }
    )


# The comment form is the same for every reader but for these values (and the
# CSRF token), so crispy renders it once per shape with placeholders in their
# place, and each reader's page fills them in: about a third of a page's
# render time otherwise.
FILLED_FIELDS = ("parent", "author_name", "author_email", "author_url")
CSRF_PLACEHOLDER = "csrf-token-placeholder-5b1f"


def _placeholder(name: str) -> str:
    return f"{name}-placeholder-5b1f"


# The CSRF field as {% csrf_token %} writes it.
CSRF_INPUT = 'name="csrfmiddlewaretoken" value="{}"'
PLACEHOLDER_INPUT = CSRF_INPUT.format(CSRF_PLACEHOLDER)


def _with_token(html: str, token: str) -> str:
    """`html` rendered with CSRF_PLACEHOLDER, with the reader's token in its
    CSRF field alone: a reader's text may quote the placeholder, but cannot
    make the field (its quotes are escaped)."""
    return html.replace(PLACEHOLDER_INPUT, CSRF_INPUT.format(token))


def shared_token(context) -> str | None:
    """This reader's CSRF token, escaped, to put in a form rendered once for
    everyone (at CSRF_PLACEHOLDER); None when the form must be rendered in
    full: no token (a view without CSRF), or DEBUG (templates may change)."""
    token = context.get("csrf_token")
    if settings.DEBUG or token in (None, "", "NOTPROVIDED"):
        return None
    return escape(str(token))


@lru_cache(maxsize=16)  # bounded: one entry per shape (which fields have a value)
def _form_html(filled: frozenset[str], remember: bool) -> str:
    initial = {name: _placeholder(name) for name in filled}
    if remember:
        initial["remember"] = True
    return render_crispy_form(
        CommentForm(initial=initial), context=Context({"csrf_token": CSRF_PLACEHOLDER})
    )


@register.simple_tag(takes_context=True)
def comment_form(context, form):
    """`{% crispy form %}` for the comment form: an unbound form comes from
    the rendered-once HTML with this reader's values filled in; a form with
    the reader's input and errors is rendered in full."""
    initial = form.initial
    token = shared_token(context)
    if form.is_bound or token is None or not set(initial) <= {*FILLED_FIELDS, "remember"}:
        with context.push(comment_form=form):
            return CrispyFormNode("comment_form", None).render(context)
    filled = frozenset(name for name in FILLED_FIELDS if initial.get(name) not in (None, ""))
    html = _form_html(filled, bool(initial.get("remember")))
    html = _with_token(html, token)
    for name in filled:
        html = html.replace(_placeholder(name), escape(str(initial[name])), 1)
    return mark_safe(html)  # noqa: S308 (crispy's HTML; each value escaped above)


SECTION = "comments/section.html"


@register.simple_tag(takes_context=True)
def comments_section(context):
    """comments/section.html: the thread under a page and the form to add to
    it. For a reader who sees it as everyone does (no comment of their own
    held or just posted, no reply or remembered details in the form, no
    errors) it is the same but for the CSRF token, so it is rendered once per
    content version (niromp_site.memo) with a placeholder for the token.
    Every value it reads is in the key or changes only with the content."""
    form = context.get("comment_form")
    shared = (
        not settings.DEBUG
        and context.get("comments_for_everyone")
        and context.get("posted_comment_id") is None
        and context.get("posted_message") is None
        and context.get("reply_to") is None
        and form is not None
        and not form.is_bound
        and not form.initial
    )
    template = context.template.engine.get_template(SECTION)
    if not shared:
        return template.render(context)
    target, page = context["object"], context["comments_page"]
    key = (
        SECTION,
        target._meta.label,
        target.pk,
        page.number,
        bool(context.get("comments_open")),
        get_script_prefix(),  # the links in it start with it
    )

    def render():
        with context.push(csrf_token=CSRF_PLACEHOLDER):
            return str(template.render(context))

    html = memo.kept(key, render, html=True)
    if PLACEHOLDER_INPUT not in html:
        return mark_safe(html)  # noqa: S308 (the template's own HTML)
    # Asked for only now: a page with no form sets no CSRF cookie.
    token = shared_token(context)
    if token is None:
        return template.render(context)
    return mark_safe(_with_token(html, token))  # noqa: S308 (the template's own HTML; the token escaped)
