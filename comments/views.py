"""The reader's side: the comments and the form under a page or an article.

Pages and articles mix CommentsMixin into their detail views, so a comment is
posted to the address of the page it is on, and a form with mistakes is shown
again on that page with the reader's text kept."""

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from niromp_site.addresses import link_base_url
from niromp_site.client_ip import client_ip
from niromp_site.content import with_targets

from . import notifications, services
from .forms import PARENT_NOT_FOUND, REPLY_TOO_DEEP, CommentForm, ReportForm
from .models import Comment
from .threads import PAGE_PARAMETER, build_thread, comment_url

# What the reader is told when the rules refuse their comment: (field or None
# for the whole form, message, HTTP status). The text they typed is shown back.
REFUSALS = {
    services.CommentsClosed: (
        None,
        "Comments are closed on this page, so your comment was not sent.",
        403,
    ),
    services.ParentNotFound: ("parent", PARENT_NOT_FOUND, 200),
    services.ReplyTooDeep: ("parent", REPLY_TOO_DEEP, 200),
    services.RateLimited: (
        None,
        "You have sent several comments in a short time. Your comment has not "
        "been sent yet: please wait a few minutes, then send it again.",
        429,
    ),
}

PENDING_COOKIE = "comments_pending"
AUTHOR_COOKIE = "comment_author"
PENDING_MAX_AGE = 30 * 86400
AUTHOR_MAX_AGE = 365 * 86400
# Tags the message that confirms a posted comment: "posted-comment-<id>".
POSTED_TAG = "posted-comment-"


def as_id(value) -> int | None:
    """A comment id from a form or query string, or None for anything else."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 19 else None


def _read_signed(request, name, max_age, default):
    try:
        return signing.loads(request.COOKIES[name], salt=name, max_age=max_age)
    except (KeyError, signing.BadSignature):
        return default


def _set_signed(response, request, name, value, max_age):
    response.set_cookie(
        name,
        signing.dumps(value, salt=name),
        max_age=max_age,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def _comment_ids(comments) -> set[int]:
    """The ids of `comments` and of all their replies."""
    ids = set()
    for comment in comments:
        ids.add(comment.pk)
        ids |= _comment_ids(getattr(comment, "thread_replies", []))
    return ids


def split_messages(request, comments) -> tuple[list, object, int | None]:
    """The one-time messages for the top of the page, and the one confirming
    a comment the reader has just posted with that comment's id: shown beside
    the comment (where the redirect after posting lands, #comment-N) when it
    is among `comments`, else left at the top."""
    top, posted, posted_id = [], None, None
    for message in messages.get_messages(request):
        tag = next((t for t in message.extra_tags.split() if t.startswith(POSTED_TAG)), None)
        pk = as_id(tag.removeprefix(POSTED_TAG)) if tag else None
        if posted is None and pk is not None and pk in _comment_ids(comments):
            posted, posted_id = message, pk
        else:
            top.append(message)
    return top, posted, posted_id


def pending_ids(request) -> list[int]:
    """The reader's own held comments, from a signed cookie set when they posted."""
    ids = _read_signed(request, PENDING_COOKIE, PENDING_MAX_AGE, [])
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


class CommentsMixin:
    """For a DetailView of a page or an article: shows its comments and
    takes new ones by POST to the same address."""

    def get_comment_form(self, data=None):
        initial = {}
        if data is None:
            remembered = _read_signed(self.request, AUTHOR_COOKIE, AUTHOR_MAX_AGE, {})
            # Only details the reader chose to save; the box is never ticked for them.
            if isinstance(remembered, dict) and (remembered.get("name") or remembered.get("email")):
                initial = {
                    "author_name": remembered.get("name", ""),
                    "author_email": remembered.get("email", ""),
                    "author_url": remembered.get("url", ""),
                    "remember": True,
                }
            reply_to = as_id(self.request.GET.get("replyto"))
            if reply_to is not None:
                initial["parent"] = reply_to
        return CommentForm(data=data, initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self.object
        thread = build_thread(target, pending_ids(self.request))
        thread_page = thread.paginate(self.request.GET.get(PAGE_PARAMETER))
        form = kwargs.get("comment_form") or self.get_comment_form()
        reply_to = None
        parent_id = as_id(form["parent"].value())
        if parent_id is not None:
            reply_to = Comment.objects.for_target(target).published().filter(pk=parent_id).first()
        # Overrides the context processor's `messages`: the top of the page
        # shows only those not shown beside the reader's new comment.
        top_messages, posted_message, posted_id = split_messages(
            self.request, thread_page.object_list
        )
        context.update(
            messages=top_messages,
            posted_message=posted_message,
            posted_comment_id=posted_id,
            comments=thread_page.object_list,
            comments_page=thread_page,
            comments_page_parameter=PAGE_PARAMETER,
            comments_for_everyone=thread.for_everyone,
            comment_count=thread.published,
            comment_form=form,
            comments_open=services.comments_open(target),
            reply_to=reply_to,
        )
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        target = self.object
        form = self.get_comment_form(data=request.POST)
        try:
            # Before the fields: a closed page says so, whatever was typed.
            services.ensure_open(target)
            if not form.is_valid():
                return self.render_form(form, status=200)
            data = form.cleaned_data
            comment = services.submit_comment(
                target=target,
                parent_id=data["parent"],
                author_name=data["author_name"],
                author_email=data["author_email"],
                author_url=data["author_url"],
                body=data["body"],
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
                referrer=request.headers.get("Referer", ""),
                # From the site's own address, never the Host a client sent.
                permalink=link_base_url() + target.get_absolute_url(),
                honeypot_filled=form.honeypot_filled,
                notify=data["notify"],
            )
        except services.CommentRefused as refused:
            field, message, status = REFUSALS[type(refused)]
            form.add_error(field, message)
            return self.render_form(form, status=status)
        messages.success(
            request,
            "Thank you. Your comment has been received and is awaiting moderation; "
            "it will appear here once a moderator has approved it.",
            extra_tags=f"signposting {POSTED_TAG}{comment.pk}",
        )
        response = HttpResponseRedirect(comment_url(comment))
        own = [*pending_ids(request), comment.pk][-20:]
        _set_signed(response, request, PENDING_COOKIE, own, PENDING_MAX_AGE)
        if data["remember"]:
            details = {
                "name": data["author_name"],
                "email": data["author_email"],
                "url": data["author_url"],
            }
            _set_signed(response, request, AUTHOR_COOKIE, details, AUTHOR_MAX_AGE)
        else:
            response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")
        return response

    def render_form(self, form, *, status):
        context = self.get_context_data(object=self.object, comment_form=form)
        return self.render_to_response(context, status=status)


class ReportView(FormView):
    """Report a published comment: a page of its own, so it works without
    JavaScript; the report goes before a moderator."""

    form_class = ReportForm
    template_name = "comments/report.html"

    def dispatch(self, request, *args, **kwargs):
        self.comment = get_object_or_404(with_targets(Comment.objects.published()), pk=kwargs["pk"])
        if not self.comment.target.is_public:
            raise Http404("No comment here.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(comment=self.comment, **kwargs)

    def form_valid(self, form):
        try:
            services.report_comment(
                comment=self.comment,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                ip_address=client_ip(self.request),
            )
        except services.TooManyReports:
            form.add_error(
                None,
                "You have sent several reports in a short time. Please wait an hour, "
                "then send it again.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        except services.NotReportable:
            raise Http404("No comment here.") from None
        messages.success(
            self.request,
            "Thank you. A moderator will look at this comment. If you think someone is "
            "in danger now, call 999.",
        )
        return HttpResponseRedirect(self.comment.target.get_absolute_url() + "#comments")


# A reader's e-mails about their comments ------------------------------------
# Following a link changes nothing (mail scanners follow links): each page
# shows a button, and only its POST acts. No page shows the address.


def link_problem(request, *, expired: bool):
    """A confirm or unsubscribe link that is out of date (410) or was
    altered or no longer leads anywhere (400): a plain page, never a 500."""
    return render(
        request,
        "comments/subscription_link_problem.html",
        {"expired": expired},
        status=410 if expired else 400,
    )


@method_decorator(never_cache, name="dispatch")
class SubscriptionLinkView(TemplateView):
    """A page reached from a signed link in an e-mail."""

    def dispatch(self, request, *args, token, **kwargs):
        try:
            self.subscription = self.find(token)
        except notifications.ExpiredLink:
            return link_problem(request, expired=True)
        except notifications.BadLink:
            return link_problem(request, expired=False)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.subscription = self.act(self.subscription)
        return self.render_to_response(self.get_context_data(done=True))


class ConfirmNotificationsView(SubscriptionLinkView):
    template_name = "comments/subscription_confirm.html"

    def find(self, token):
        subscription = notifications.subscription_to_confirm(token=token)
        # They stopped the e-mails since: an old link must not start them again.
        if subscription.status == subscription.Status.UNSUBSCRIBED:
            raise notifications.BadLink
        return subscription

    def act(self, subscription):
        return notifications.confirm(subscription=subscription)

    def get_context_data(self, **kwargs):
        confirmed = self.subscription.status == self.subscription.Status.CONFIRMED
        return super().get_context_data(confirmed=confirmed, **kwargs)


# One-click unsubscribe (RFC 8058): mail programs POST to the link in the
# List-Unsubscribe header with no CSRF token and no cookies; the signed link
# itself is the proof. The view reads no body, so a multipart one is let in.
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(SubscriptionLinkView):
    template_name = "comments/subscription_unsubscribe.html"
    accepts_multipart_body = True

    def find(self, token):
        return notifications.subscription_to_stop(token=token)

    def act(self, subscription):
        return notifications.unsubscribe(subscription=subscription)

    def get_context_data(self, **kwargs):
        stopped = self.subscription.status == self.subscription.Status.UNSUBSCRIBED
        return super().get_context_data(stopped=stopped, **kwargs)
