"""The thread of comments under a page or an article, built in one query and
shown a page of top-level comments at a time (a long thread would otherwise
make its page slow and heavy); `page_of()` says which page of the thread
holds a comment, so every link to `#comment-N` finds it."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import Q

from niromp_site.memo import memoised

from . import services
from .models import Comment

# Top-level comments per page of the thread; each shows with all its replies.
COMMENTS_PER_PAGE = 50
# The query parameter naming a page of the thread (?comments-page=2).
PAGE_PARAMETER = "comments-page"

# What the thread's page shows of a comment (comments/comment_article.html)
# and needs to place it and say whether it can be answered; nothing else is
# loaded (a page of a thread is a hundred rows).
SHOWN = [
    "parent",
    "depth",
    "kind",
    "source",
    "status",
    "author_name",
    "author_url",
    "body",
    "submitted_at",
]

# A top-level comment in these is on every reader's page of the thread
# (a rejected one shows as a placeholder for its replies).
SHARED_STATUSES = {Comment.Status.PUBLISHED, Comment.Status.REJECTED}


@dataclass
class Thread:
    """The shape of a thread (every visible comment's id, parent and status,
    oldest first), from which a page of it is loaded: a long thread costs
    one narrow query, not hundreds of full rows."""

    target: object
    shape: list[tuple[int, int | None, str]]
    published: int  # how many comments are published
    # Shown alike to every reader (none of their own held comments in it):
    # then a page of it, once loaded, is kept with it (see _shared_thread).
    for_everyone: bool = False
    _pages: dict = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def _tree(self) -> tuple[list[int], dict[int, list[int]], dict[int, str]]:
        roots, replies = [], defaultdict(list)
        status_of = {pk: status for pk, _, status in self.shape}
        for pk, parent_id, _ in self.shape:
            if parent_id in status_of:
                replies[parent_id].append(pk)
            else:
                roots.append(pk)
        return roots, replies, status_of

    def root_of(self, pk: int) -> int:
        """The top-level comment whose thread shows `pk` (one in the shape)."""
        parent_of = self._parent_of
        while parent_of[pk] in parent_of:
            pk = parent_of[pk]
        return pk

    @cached_property
    def _parent_of(self) -> dict[int, int | None]:
        return {pk: parent_id for pk, parent_id, _ in self.shape}

    @cached_property
    def shared(self) -> list[int]:
        """The top-level comments every reader sees (not a reader's own held one)."""
        roots, _, status_of = self._tree
        return [pk for pk in roots if status_of[pk] in SHARED_STATUSES]

    def paginate(self, number) -> Page:
        """The page `number` (anything a reader typed; bad or out of range
        gives the nearest page) of the top-level comments everyone sees, as
        Comments, each with its replies; the reader's own held comments that
        start a thread go on the last page."""
        roots, replies, _ = self._tree
        page = Paginator(self.shared, COMMENTS_PER_PAGE).get_page(number)
        shown = list(page.object_list)
        if not page.has_next():
            earlier = set(self.shared[: (page.number - 1) * COMMENTS_PER_PAGE])
            shown = [pk for pk in roots if pk not in earlier]
        if not self.for_everyone:
            page.object_list = self._load(shown, replies)
            return page
        key = tuple(shown)
        if key not in self._pages:
            self._pages[key] = self._load(shown, replies)
        page.object_list = self._pages[key]
        return page

    def _load(self, root_ids: list[int], replies: dict[int, list[int]]) -> list[Comment]:
        """These top-level comments and all their replies, as a tree, each
        marked with whether a reader may reply to it."""
        wanted, stack = [], list(root_ids)
        while stack:
            pk = stack.pop()
            wanted.append(pk)
            stack.extend(replies.get(pk, ()))
        comments = Comment.objects.filter(pk__in=wanted).only(*SHOWN).order_by("submitted_at", "pk")
        open_for_comments = services.comments_open(self.target)
        by_id, is_root = {}, set(root_ids)
        for comment in comments:
            by_id[comment.pk] = comment
            comment.thread_replies = []
            comment.is_removed = comment.status == Comment.Status.REJECTED
            comment.can_reply = services.can_reply(comment, open_for_comments=open_for_comments)
        for comment in by_id.values():
            if comment.pk not in is_root and comment.parent_id in by_id:
                by_id[comment.parent_id].thread_replies.append(comment)
        return [by_id[pk] for pk in root_ids if pk in by_id]


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
    first; `paginate()` loads the page a reader asked for."""
    if not own_pending:
        return _shared_thread(target)
    return _thread(target, own_pending)


def _thread(target, own_pending: list[int], *, for_everyone: bool = False) -> Thread:
    shape = list(visible(target, own_pending).values_list("pk", "parent_id", "status"))
    published = sum(1 for _, _, status in shape if status == Comment.Status.PUBLISHED)
    return Thread(target=target, shape=shape, published=published, for_everyone=for_everyone)


@memoised
def _shared_thread(target) -> Thread:
    """The thread as every reader without a held comment of their own sees
    it, kept (with each page of it once loaded) for the content version:
    publishing or removing a comment changes the version, holding one does not."""
    return _thread(target, [], for_everyone=True)


def page_of(comment: Comment) -> int:
    """The page of its thread that shows `comment` (as its author sees it
    while it is held); 1 for a comment the thread does not show. Worked out
    from the thread as everyone sees it (kept in the content memo) and the
    comment itself: a permalink, and the landing after posting, are cheap."""
    thread = _shared_thread(comment.target)
    _, _, status_of = thread._tree
    if comment.pk in status_of:
        root = thread.root_of(comment.pk)
    elif comment.status == Comment.Status.HELD or (
        # Caught by the honeypot: shown to its sender as held (see visible()).
        comment.status == Comment.Status.SPAM and comment.verdict == Comment.Verdict.UNCHECKED
    ):
        parent = comment.parent_id
        root = thread.root_of(parent) if parent in status_of else comment.pk
    else:
        return 1
    if root in thread.shared:
        return thread.shared.index(root) // COMMENTS_PER_PAGE + 1
    return Paginator(thread.shared, COMMENTS_PER_PAGE).num_pages


def comment_url(comment: Comment) -> str:
    """The address of `comment` on its page: the right page of the thread, and its anchor."""
    page = page_of(comment)
    query = f"?{PAGE_PARAMETER}={page}" if page > 1 else ""
    return f"{comment.target.get_absolute_url()}{query}#comment-{comment.pk}"
