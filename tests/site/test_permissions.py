"""Who may open what (DESIGN: "Roles and safety" — least privilege): a matrix of
roles against admin and public addresses; the Moderators and Editors groups'
exact permissions; the create_staff_account command; and the group migrations
run backwards and forwards."""

import re
from io import StringIO

import pytest
import reversion
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.timezone import now
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from comments import contact
from comments.models import Comment
from pages.models import Article, Document, Event, Page, Redirect, Region, Status
from tests.factories import (
    make_article,
    make_event,
    make_moderator,
    make_page,
    make_staff,
    make_user,
    submit_comment,
)

MODERATORS = {
    "comments.view_comment",
    "comments.change_comment",
    "comments.can_moderate",
    "comments.view_commenthistory",
    # They answer the contact form's messages too.
    "comments.view_contactmessage",
    "comments.change_contactmessage",
}
EDITORS = {
    f"pages.{action}_{model}"
    for model in ["page", "article", "document", "redirect", "event"]
    for action in ["add", "change", "delete", "view"]
} | {"pages.change_region", "pages.view_region"}  # the nine regions are fixed


def permissions_of(group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


# The matrix ----------------------------------------------------------------------------

# "staff" is a staff account in no group; a superuser (an operator) may open everything.
ROLES = ["anonymous", "moderator", "editor", "staff", "superuser"]

OK, DENIED = 200, 403

# (address, {role: status}) with {placeholders} filled from the `things` fixture.
COMMENTS = {"moderator": OK, "editor": DENIED, "staff": DENIED}
CONTENT = {"moderator": DENIED, "editor": OK, "staff": DENIED}
NOBODY = {"moderator": DENIED, "editor": DENIED, "staff": DENIED}
EVERYONE = {"moderator": OK, "editor": OK, "staff": OK}

ADMIN_URLS = [
    ("/admin/", EVERYONE),
    ("/admin/comments/comment/", COMMENTS),
    ("/admin/comments/comment/{comment}/change/", COMMENTS),
    ("/admin/comments/contactmessage/", COMMENTS),
    ("/admin/comments/contactmessage/{message}/change/", COMMENTS),
    ("/admin/comments/contactmessage/{message}/history/", COMMENTS),
    # Messages come from the form only, and are removed by purge_comments and
    # commenter_data, never by hand: not even an operator adds or deletes one.
    ("/admin/comments/contactmessage/add/", {**NOBODY, "superuser": DENIED}),
    ("/admin/comments/contactmessage/{message}/delete/", {**NOBODY, "superuser": DENIED}),
    # The safeguarding lead's cases (tests/comments/test_safeguarding_cases.py).
    ("/admin/comments/safeguardingcase/", NOBODY),
    *[
        (url.format(model=model, pk=f"{{{model}}}"), CONTENT)
        for model in ["page", "article", "document", "event"]
        for url in [
            "/admin/pages/{model}/",
            "/admin/pages/{model}/add/",
            "/admin/pages/{model}/{pk}/change/",
            "/admin/pages/{model}/{pk}/delete/",
        ]
    ],
    ("/admin/pages/redirect/", CONTENT),
    ("/admin/auth/user/", NOBODY),
    ("/admin/auth/user/{user}/change/", NOBODY),
    ("/admin/auth/group/", NOBODY),
    ("/admin/auth/group/{group}/change/", NOBODY),
]

PUBLIC_URLS = ["/strategic-thinking/", "/news/", "/news/press-notice/", "/robots.txt"]


@pytest.fixture
def things(db):
    """One of everything an address in the matrix points at."""
    page = make_page(title="Strategic thinking")
    article = make_article(title="Press notice")
    document = Document.objects.create(
        title="Annual report", slug="annual-report", external_url="https://example.org/r.pdf"
    )
    comment = submit_comment(page)
    user = make_user("someone")
    message = contact.submit_message(name="Sam", email="sam@example.org", message="Hello.")
    return {
        "message": message.pk,
        "page": page.pk,
        "article": article.pk,
        "event": make_event(title="Regional meeting").pk,
        "document": document.pk,
        "comment": comment.pk,
        "user": user.pk,
        "group": Group.objects.get(name="Editors").pk,
    }


@pytest.fixture
def as_role(client, db):
    def sign_in(role):
        groups = {"moderator": "Moderators", "editor": "Editors", "staff": None}
        if role == "superuser":
            client.force_login(
                get_user_model().objects.create_superuser("the-superuser", "op@example.org", None)
            )
        elif role != "anonymous":
            client.force_login(make_staff(f"the-{role}", group=groups[role]))
        return client

    return sign_in


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), ADMIN_URLS)
def test_admin_addresses(as_role, things, role, url, expected):
    address = url.format(**things)

    response = as_role(role).get(address)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=/admin/")
    else:
        assert response.status_code == expected.get(role, OK), address


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_are_open_to_everyone(as_role, things, role, url):
    assert as_role(role).get(url).status_code == 200


@pytest.mark.parametrize(
    ("role", "may_see", "may_not_see"),
    [
        ("moderator", ["/admin/comments/"], ["/admin/pages/", "/admin/auth/"]),
        ("editor", ["/admin/pages/"], ["/admin/comments/", "/admin/auth/"]),
        ("staff", [], ["/admin/comments/", "/admin/pages/", "/admin/auth/"]),
    ],
)
def test_the_admin_index_lists_only_what_the_role_may_use(
    as_role, things, role, may_see, may_not_see
):
    response = as_role(role).get("/admin/")

    assert response.status_code == 200
    for prefix in may_see:
        assert f'href="{prefix}' in response.text
    for prefix in may_not_see:
        assert f'href="{prefix}' not in response.text


@pytest.mark.parametrize("role", ["moderator", "staff"])
def test_only_editors_may_save_content(as_role, things, role):
    client = as_role(role)

    response = client.post(
        "/admin/pages/page/add/",
        {
            "title": "Sneaked in",
            "slug": "sneaked-in",
            "status": "published",
            "publish_at_0": "01/01/2024",
            "publish_at_1": "10:00:00",
        },
    )

    assert response.status_code == 403
    assert not Page.objects.filter(slug="sneaked-in").exists()


@pytest.mark.parametrize("role", ["moderator", "editor", "staff"])
def test_no_role_may_give_itself_more_rights(as_role, things, role):
    client = as_role(role)
    user = get_user_model().objects.get(username=f"the-{role}")

    response = client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {"username": user.username, "is_staff": "on", "is_superuser": "on"},
    )

    assert response.status_code == 403

    user.refresh_from_db()
    assert not user.is_superuser


# History, compare, revisions, recovery and "view on site" -------------------------------
# Each shows or restores what an item held, drafts included, so each asks for the same
# rights as the item's own change page: view (at least) to read its history and compare
# two versions, change to open a revision (roll back) or recover a deleted item. The
# admin's /admin/r/ shortcut ("view on site") sends only those who may view the item.

WHO_MAY = {
    "pages": "editor",
    "comments": "moderator",
    "auth": None,
    "axes": None,
    # The safeguarding lead's (tests/comments/test_safeguarding_cases.py), no role here.
    "comments.SafeguardingCase": None,
}


def revisions_of(obj, titles):
    """Save `obj` once per title, each save a revision as the admin makes it."""
    for title in titles:
        with reversion.create_revision():
            setattr(obj, "title" if hasattr(obj, "title") else "body", title)
            obj.save()
    return list(Version.objects.get_for_object(obj).order_by("pk"))


def deleted_version(model, **fields):
    with reversion.create_revision():
        obj = model.objects.create(**fields)
    obj.delete()
    return Version.objects.get_deleted(model).first()


@pytest.fixture
def with_history(things):
    """Drafts with two revisions each, a deleted item of each versioned model, and one
    object of every model the admin lists (the matrix below walks them all)."""
    draft_page = make_page(title="Secret draft", status=Status.DRAFT)
    draft_article = make_article(title="Embargoed news", status=Status.DRAFT)
    document = Document.objects.create(title="Draft report", slug="draft-report")
    Redirect.objects.create(old_path="/old-secret/", page=draft_page)
    draft_event = make_event(title="Secret meeting", status=Status.DRAFT)
    region = Region.objects.first()
    signed = {"user_agent": "test", "http_accept": "*/*", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**signed, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**signed)
    AccessFailureLog.objects.create(**signed)
    # The comment is a safeguarding case too, so the cases' addresses have one to show.
    Comment.objects.filter(pk=things["comment"]).update(
        flagged_at=timezone.now(), flagged_for="disclosure", concerns="disclosure"
    )
    objects = {
        Page: draft_page,
        Article: draft_article,
        Document: document,
        Event: draft_event,
        **{
            model: model.objects.first()
            for model in admin.site._registry
            if model not in {Page, Article, Document, Event}
        },
    }
    versions = {
        Page: revisions_of(draft_page, ["Secret draft", "Secret draft, second wording"]),
        Article: revisions_of(draft_article, ["Embargoed news", "Embargoed news, revised"]),
        Document: revisions_of(document, ["Draft report", "Draft report, revised"]),
        Event: revisions_of(draft_event, ["Secret meeting", "Secret meeting, moved"]),
        Region: revisions_of(region, ["", ""]),
    }
    deleted = {
        Page: deleted_version(Page, title="Gone", slug="gone"),
        Article: deleted_version(Article, title="Gone news", slug="gone-news"),
        Document: deleted_version(Document, title="Gone report", slug="gone-report"),
        Event: deleted_version(
            Event, title="Gone meeting", slug="gone-meeting", start=now(), end=now()
        ),
        # Regions cannot be deleted (the nine are fixed), so none is ever recovered.
    }
    assert all(objects.values()), "every model in the admin needs an object here"
    return objects, versions, deleted


def history_addresses(kind, objects, versions, deleted):
    """(model, address) for one kind of history address, over every admin model it exists for."""
    found = []
    for model, model_admin in admin.site._registry.items():
        obj = objects[model]
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        versioned = isinstance(model_admin, CompareVersionAdmin)
        if kind == "history":
            found.append((model, f"{base}{obj.pk}/history/"))
        elif kind == "view on site" and hasattr(model, "get_absolute_url"):
            # A proxy model (the safeguarding cases) has its own address.
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            found.append((model, f"/admin/r/{content_type.pk}/{obj.pk}/"))
        elif versioned and kind == "compare":
            older, newer = versions[model][:2]
            query = f"?version_id1={older.pk}&version_id2={newer.pk}"
            found.append((model, f"{base}{obj.pk}/history/compare/{query}"))
        elif versioned and kind == "revision":
            found.append((model, f"{base}{obj.pk}/history/{versions[model][0].pk}/"))
        elif versioned and kind == "recover list" and model in deleted:
            found.append((model, f"{base}recover/"))
        elif versioned and kind == "recover" and model in deleted:
            found.append((model, f"{base}recover/{deleted[model].pk}/"))
    return found


ALLOWED = {"view on site": 302}  # to the item's address; every other kind shows a page


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "kind", ["history", "compare", "revision", "recover list", "recover", "view on site"]
)
def test_history_compare_revision_recover_and_view_on_site_need_the_items_rights(
    as_role, with_history, role, kind
):
    client = as_role(role)
    addresses = history_addresses(kind, *with_history)
    assert addresses, kind

    wrong = []
    for model, address in addresses:
        response = client.get(address)
        if role == "anonymous":
            expected = 302
            right = response.status_code == 302 and response["Location"].startswith(
                "/admin/login/?next=/admin/"
            )
        else:
            who = WHO_MAY.get(model._meta.label, WHO_MAY[model._meta.app_label])
            may = role == "superuser" or who == role
            expected = ALLOWED.get(kind, OK) if may else DENIED
            right = response.status_code == expected
        if not right:
            wrong.append((address, response.status_code, expected))
        if role in {"moderator", "staff"} and model in {Page, Article}:
            assert b"Secret draft" not in response.content
            assert b"Embargoed news" not in response.content

    assert wrong == []


def test_a_revision_of_another_model_is_not_opened_through_this_ones_address(as_role, with_history):
    """A version id is only meaningful for its own model: an article's version
    reached through the pages' revision address is not found."""
    _, versions, _ = with_history
    article_version = versions[Article][0]
    client = as_role("editor")

    response = client.get(
        f"/admin/pages/page/{article_version.object_id}/history/{article_version.pk}/"
    )
    recover = client.get(f"/admin/pages/page/recover/{article_version.pk}/")

    assert response.status_code == 404
    assert recover.status_code == 404


# The groups ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_moderators_may_moderate_comments_and_nothing_else():
    assert permissions_of(Group.objects.get(name="Moderators")) == MODERATORS


@pytest.mark.django_db
def test_editors_may_edit_content_and_nothing_else():
    permissions = permissions_of(Group.objects.get(name="Editors"))

    assert permissions == EDITORS
    assert not {p for p in permissions if p.startswith(("comments.", "auth."))}


@pytest.mark.django_db
def test_a_moderator_has_exactly_the_groups_permissions():
    user = make_moderator("mo")

    assert user.get_all_permissions() == MODERATORS
    assert not user.is_superuser


# create_staff_account -----------------------------------------------------------------


def create_staff_account(*args) -> str:
    out = StringIO()
    call_command("create_staff_account", *args, stdout=out)
    return out.getvalue()


def one_time_password(output: str) -> str:
    match = re.search(r"One-time password: (\S+)", output)
    assert match, output
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "group", "home"),
    [
        ("moderator", "Moderators", "/admin/comments/comment/"),
        ("editor", "Editors", "/admin/pages/page/"),
    ],
)
def test_create_staff_account_makes_a_staff_user_in_the_roles_group(client, role, group, home):
    output = create_staff_account(role, "mo", "mo@example.org")

    user = get_user_model().objects.get(username="mo")
    assert (user.email, user.is_staff, user.is_superuser, user.is_active) == (
        "mo@example.org",
        True,
        False,
        True,
    )
    assert [g.name for g in user.groups.all()] == [group]
    assert not user.user_permissions.exists()
    password = one_time_password(output)
    assert user.check_password(password)
    assert client.login(username="mo", password=password)
    assert client.get("/admin/").status_code == 200
    assert client.get(home).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_create_staff_account_refuses_a_username_already_taken(role):
    first = one_time_password(create_staff_account(role, "mo", "mo@example.org"))

    with pytest.raises(CommandError, match="already an account called 'mo'"):
        create_staff_account(role, "mo", "other@example.org")

    user = get_user_model().objects.get(username="mo")
    assert user.email == "mo@example.org"
    assert user.check_password(first)
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_create_staff_account_refuses_an_unknown_role():
    with pytest.raises(CommandError):
        create_staff_account("admin", "mo", "mo@example.org")

    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_create_staff_account_says_when_the_group_is_missing():
    Group.objects.filter(name="Editors").delete()

    with pytest.raises(CommandError, match="Editors group is missing"):
        create_staff_account("editor", "ed", "ed@example.org")

    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_each_account_gets_its_own_password():
    first = one_time_password(create_staff_account("moderator", "mo", "mo@example.org"))
    second = one_time_password(create_staff_account("editor", "ed", "ed@example.org"))

    assert first != second
    assert len(first) >= 16


# The group migrations -----------------------------------------------------------------
# Transactional tests end with a flush of every table, which would take the groups
# (made by migrations) away from any later test; serialized_rollback puts the
# migrated database back at the start of each of these.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("app", "before", "group", "expected"),
    [
        ("pages", "0003", "Editors", EDITORS),
        ("comments", "0001", "Moderators", MODERATORS),
    ],
)
def test_the_group_migrations_are_reversible(app, before, group, expected):
    assert Group.objects.filter(name=group).exists()

    call_command("migrate", app, before, verbosity=0)
    assert not Group.objects.filter(name=group).exists()

    # Everything again (apps whose migrations followed the app's went back too).
    call_command("migrate", verbosity=0)
    assert permissions_of(Group.objects.get(name=group)) == expected
