"""The thread of comments under a page or an article, built in one query and
shown a page of top-level comments at a time (a long thread would otherwise
make its page slow and heavy); `page_of()` says which page of the thread
holds a comment, so every link to `#comment-N` finds it."""

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import Q

from . import services
from .models import Comment

# Top-level comments per page of the thread; each shows with all its replies.
COMMENTS_PER_PAGE = 50
# The query parameter naming a page of the thread (?comments-page=2).
PAGE_PARAMETER = "comments-page"

# What the thread's page never shows: kept out of the query, as a long thread
# loads hundreds of rows.
NOT_SHOWN = ["author_email", "ip_address", "user_agent", "referrer", "permalink", "concern_spans"]

# A top-level comment in these is on every reader's page of the thread
# (a rejected one shows as a placeholder for its replies).
SHARED_STATUSES = {Comment.Status.PUBLISHED, Comment.Status.REJECTED}


@dataclass
class Thread:
    roots: list[Comment]  # top-level comments, oldest first, each with .thread_replies
    published: int  # how many comments are published

    @cached_property
    def shared(self) -> list[Comment]:
        """The top-level comments every reader sees (not a reader's own held one)."""
        return [root for root in self.roots if root.status in SHARED_STATUSES]

    def paginate(self, number) -> Page:
        """The page `number` (anything a reader typed; bad or out of range
        gives the nearest page) of the top-level comments everyone sees; the
        reader's own held comments that start a thread go on the last page."""
        page = Paginator(self.shared, COMMENTS_PER_PAGE).get_page(number)
        if not page.has_next():
            earlier = {root.pk for root in self.shared[: (page.number - 1) * COMMENTS_PER_PAGE]}
            page.object_list = [root for root in self.roots if root.pk not in earlier]
        return page


def visible(target, own_pending: list[int]):
    """What the thread shows: published comments, the reader's own held ones,
    and placeholders for removed comments whose published replies were kept;
    oldest first, so a parent comes before its replies."""
    return (
        Comment.objects.for_target(target)
        .filter(
            Q(status=Comment.Status.PUBLISHED)
            | Q(pk__in=own_pending, status=Comment.Status.HELD)
            # Caught by the honeypot: its sender sees it held, like any other,
            # so a bot cannot tell it was caught.
            | Q(pk__in=own_pending, status=Comment.Status.SPAM, verdict=Comment.Verdict.UNCHECKED)
            # Rejected, but its published replies were kept: a placeholder.
            | Q(status=Comment.Status.REJECTED, replies__status=Comment.Status.PUBLISHED)
        )
        .distinct()
        .order_by("submitted_at", "pk")
    )


def build_thread(target, own_pending: list[int]) -> Thread:
    """Published comments (and the reader's own held ones) as a tree, oldest
    first, each marked with whether a reader may reply to it."""
    comments = list(visible(target, own_pending).defer(*NOT_SHOWN))
    open_for_comments = services.comments_open(target)
    by_id = {comment.pk: comment for comment in comments}
    replies = defaultdict(list)
    roots = []
    for comment in comments:
        comment.thread_replies = replies[comment.pk]
        comment.is_removed = comment.status == Comment.Status.REJECTED
        comment.can_reply = services.can_reply(comment, open_for_comments=open_for_comments)
        if comment.parent_id in by_id:
            replies[comment.parent_id].append(comment)
        else:
            roots.append(comment)
    published = sum(1 for comment in comments if comment.is_published)
    return Thread(roots=roots, published=published)


def page_of(comment: Comment) -> int:
    """The page of its thread that shows `comment` (as its author sees it
    while it is held); 1 for a comment the thread does not show. The same
    tree as build_thread() makes, from the ids alone: a permalink is cheap."""
    root_of, shared = {}, []
    for pk, parent_id, status in visible(comment.target, [comment.pk]).values_list(
        "pk", "parent_id", "status"
    ):
        if parent_id in root_of:
            root_of[pk] = root_of[parent_id]
        else:
            root_of[pk] = pk
            if status in SHARED_STATUSES:
                shared.append(pk)
    root = root_of.get(comment.pk)
    if root is None:
        return 1
    if root in shared:
        return shared.index(root) // COMMENTS_PER_PAGE + 1
    return Paginator(shared, COMMENTS_PER_PAGE).num_pages


def comment_url(comment: Comment) -> str:
    """The address of `comment` on its page: the right page of the thread, and its anchor."""
    page = page_of(comment)
    query = f"?{PAGE_PARAMETER}={page}" if page > 1 else ""
    return f"{comment.target.get_absolute_url()}{query}#comment-{comment.pk}"
