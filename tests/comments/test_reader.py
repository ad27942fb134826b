"""What a reader sees of comments: the form, their own held comment, the
published thread, the remembered details, the seed comments, and how their
text and address are handled."""

# The page titles' curly quotes are part of the text being checked.
# ruff: noqa: RUF001

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments import services
from comments.models import Comment
from pages.models import Page
from tests.factories import comment_data, post_comment, published_comment, submit_comment
from tests.helpers import Element, field_value, html_tree, visible_text

pytestmark = pytest.mark.django_db


# Helpers -------------------------------------------------------------------


def comment_article(tree: Element, comment: Comment) -> Element:
    article = tree.by_id(f"comment-{comment.pk}")
    assert article is not None, f"comment {comment.pk} is not on the page"
    return article


# The form ------------------------------------------------------------------


def test_a_page_with_comments_open_shows_the_labelled_comment_form(client, page):
    response = client.get(page.get_absolute_url())

    assert response.status_code == 200
    tree = html_tree(response)
    form = tree.find("form", id="comment-form")
    assert form is not None
    assert form.attrs.get("method", "").lower() == "post"
    labels = {
        "author_name": "Name",
        "author_email": "E-mail",
        "author_url": "Website (optional)",
        "body": "Comment",
        "remember": "Save my name and e-mail in this browser for the next time I comment",
    }
    for name, label_text in labels.items():
        field = form.find(name=name)
        assert field is not None, f"no {name} field"
        label = form.find("label", for_=field.attrs["id"])
        assert label is not None, f"the {name} field has no label"
        assert label.text.replace("*", "").strip() == label_text
    assert form.find("input", name="remember").attrs.get("type") == "checkbox"
    assert form.find("input", type="submit") is not None


def test_a_note_above_the_form_says_what_happens_to_a_comment(client, page):
    response = client.get(page.get_absolute_url())

    respond = html_tree(response).by_id("respond")
    note = respond.find("div", class_="comment-note")
    assert "A person reads every comment before it appears on this page" in note.text
    assert "We do not reply to comments by e-mail" in note.text
    assert note.find("a", href="/privacy-policy/") is not None
    # Above the form; the spam service is named in the privacy policy, not here.
    order = list(respond.iter())
    assert order.index(note) < order.index(respond.find("form", id="comment-form"))
    assert "Akismet" not in html_tree(response).by_id("comments").text


def test_a_page_with_comments_closed_shows_no_form(client, page):
    page.comments_open = False
    page.save()

    response = client.get(page.get_absolute_url())

    assert response.status_code == 200
    assert 'id="comment-form"' not in response.content.decode()
    assert 'name="body"' not in response.content.decode()


def test_comments_close_on_content_older_than_comments_close_after_days(
    client, page, other_page, settings
):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    Page.objects.filter(pk=page.pk).update(publish_at=timezone.now() - timedelta(days=31))
    Page.objects.filter(pk=other_page.pk).update(publish_at=timezone.now() - timedelta(days=29))

    old = client.get(page.get_absolute_url())
    recent = client.get(other_page.get_absolute_url())

    assert 'id="comment-form"' not in old.content.decode()
    assert 'id="comment-form"' in recent.content.decode()


@pytest.mark.parametrize("closed_by", ["editor", "age"])
def test_a_comment_posted_to_closed_content_is_refused_with_a_clear_message(
    client, page, settings, closed_by
):
    if closed_by == "editor":
        Page.objects.filter(pk=page.pk).update(comments_open=False)
    else:
        settings.COMMENTS_CLOSE_AFTER_DAYS = 30
        Page.objects.filter(pk=page.pk).update(publish_at=timezone.now() - timedelta(days=31))

    response = post_comment(client, page, body="Too late, but here goes.")

    assert response.status_code == 403
    assert "Comments are closed" in visible_text(response)
    assert not Comment.objects.exists()


# After posting -------------------------------------------------------------


def test_after_posting_the_reader_is_redirected_and_told_it_awaits_moderation(client, page):
    response = post_comment(client, page)

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{page.get_absolute_url()}#comment-{comment.pk}"
    assert comment.status == Comment.Status.HELD
    tree = html_tree(client.get(response["Location"]))
    # Told beside their own comment, where the redirect lands, not at the top.
    banner = comment_article(tree, comment).find(role="status")
    assert "Your comment has been received and is awaiting moderation" in banner.text
    assert "call 999" in banner.text  # the safeguarding signposting, in the same box
    assert tree.find("div", class_="messages") is None


def test_a_confirmation_whose_comment_is_not_on_the_page_stays_at_the_top(client, page, moderator):
    comment = published_comment(page, moderator)
    post_comment(client, page, body="Mine.")
    mine = Comment.objects.get(body="Mine.")
    # A moderator rejected it before the reader's browser followed the redirect.
    services.reject(comment=mine, moderator=moderator)

    tree = html_tree(client.get(page.get_absolute_url()))

    assert "Your comment has been received" in tree.find("div", class_="messages").text
    assert comment_article(tree, comment).find(role="status") is None


def test_the_author_sees_their_own_held_comment_marked_awaiting_moderation(client, page):
    post_comment(client, page, body="My own words, held for now.")
    comment = Comment.objects.get()

    client.get(page.get_absolute_url())  # the success message, shown once
    response = client.get(page.get_absolute_url())

    article = comment_article(html_tree(response), comment)
    assert "My own words, held for now." in article.text
    assert "awaiting moderation" in article.text


def test_another_reader_does_not_see_a_held_comment(client, page):
    post_comment(client, page, body="My own words, held for now.")
    comment = Comment.objects.get()

    response = Client().get(page.get_absolute_url())

    assert f'id="comment-{comment.pk}"' not in response.content.decode()
    assert "My own words, held for now." not in visible_text(response)


@pytest.mark.parametrize("outcome", ["rejected", "spam"])
def test_a_rejected_or_spam_comment_is_not_shown_even_to_its_author(
    client, page, moderator, akismet, django_capture_on_commit_callbacks, outcome
):
    name = "akismet-guaranteed-spam" if outcome == "spam" else "Alex Reader"
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, page, author_name=name, body="Words nobody will see.")
    comment = Comment.objects.get()
    if outcome == "rejected":
        services.reject(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == outcome

    response = client.get(page.get_absolute_url())

    assert f'id="comment-{comment.pk}"' not in response.content.decode()
    assert "Words nobody will see." not in visible_text(response)


# The published thread -------------------------------------------------------


def test_a_reply_is_nested_inside_its_parents_list_item(client, page, moderator):
    first = published_comment(page, moderator, author_name="Bea First")
    reply = published_comment(page, moderator, parent=first, author_name="Cal Reply")
    later = published_comment(page, moderator, author_name="Dee Later")

    tree = html_tree(client.get(page.get_absolute_url()))

    first_item = comment_article(tree, first).closest("li")
    assert first_item is not None
    assert comment_article(tree, reply) in first_item
    assert comment_article(tree, later) not in first_item


def test_published_comments_are_shown_oldest_first(client, page, moderator):
    newer = published_comment(page, moderator, body="The newer comment.")
    older = published_comment(page, moderator, body="The older comment.")
    Comment.objects.filter(pk=older.pk).update(submitted_at=newer.submitted_at - timedelta(days=1))

    text = visible_text(client.get(page.get_absolute_url()))

    assert text.index("The older comment.") < text.index("The newer comment.")


def test_the_heading_counts_the_published_comments(client, page, moderator):
    first = published_comment(page, moderator)
    published_comment(page, moderator, parent=first, author_name="Cal Reply")
    submit_comment(page, "Held", "Not yet.")

    text = visible_text(client.get(page.get_absolute_url()))

    assert "2 comments on “Strategic thinking”" in text


def test_each_published_comment_has_an_anchor_and_a_reply_link(client, page, moderator):
    comment = published_comment(page, moderator, author_name="Bea First")

    tree = html_tree(client.get(page.get_absolute_url()))

    article = comment_article(tree, comment)
    reply_link = article.find("a", href=f"?replyto={comment.pk}#respond")
    assert reply_link is not None
    assert reply_link.text == "Reply"


def test_the_reply_link_prefills_the_parent_and_says_who_is_replied_to(client, page, moderator):
    comment = published_comment(page, moderator, author_name="Bea First")

    response = client.get(f"{page.get_absolute_url()}?replyto={comment.pk}")

    tree = html_tree(response)
    parent = tree.find("input", name="parent")
    assert parent.attrs.get("type") == "hidden"
    assert parent.attrs.get("value") == str(comment.pk)
    assert "Reply to Bea First" in tree.by_id("respond").text


def test_the_reply_form_quotes_the_start_of_the_comment_escaped_and_can_be_cancelled(
    client, page, moderator
):
    body = "<b>Bold & brave</b> " + "word " * 100
    comment = published_comment(page, moderator, author_name="Bea <First>", body=body)

    response = client.get(f"{page.get_absolute_url()}?replyto={comment.pk}")

    respond = html_tree(response).by_id("respond")
    quote = respond.find("figure", class_="reply-quote")
    quoted = quote.find("blockquote").text
    assert quoted.startswith("<b>Bold & brave</b> word word")
    assert quoted.endswith("…")
    assert len(quoted) <= 200
    assert quote.find("figcaption").text == "Bea <First>"
    assert "&lt;b&gt;Bold &amp; brave&lt;/b&gt;" in response.content.decode()
    cancel = next(a for a in respond.find_all("a") if a.text == "Cancel reply")
    assert cancel.attrs["href"] == f"{page.get_absolute_url()}#comment-{comment.pk}"


def test_there_is_no_reply_link_at_the_maximum_depth(client, page, moderator, settings):
    assert settings.COMMENTS_MAX_DEPTH == 3
    depth_1 = published_comment(page, moderator, author_name="One")
    depth_2 = published_comment(page, moderator, parent=depth_1, author_name="Two")
    depth_3 = published_comment(page, moderator, parent=depth_2, author_name="Three")

    tree = html_tree(client.get(page.get_absolute_url()))

    for comment in (depth_1, depth_2):
        assert comment_article(tree, comment).find("a", href=f"?replyto={comment.pk}#respond")
    deepest = comment_article(tree, depth_3)
    assert not [a for a in deepest.find_all("a") if "replyto" in a.attrs.get("href", "")]
    assert "Reply" not in [a.text for a in deepest.find_all("a")]


def test_a_lower_maximum_depth_removes_the_reply_link_sooner(client, page, moderator, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    depth_1 = published_comment(page, moderator, author_name="One")
    depth_2 = published_comment(page, moderator, parent=depth_1, author_name="Two")

    tree = html_tree(client.get(page.get_absolute_url()))

    assert comment_article(tree, depth_1).find("a", href=f"?replyto={depth_1.pk}#respond")
    assert not comment_article(tree, depth_2).find("a", href=f"?replyto={depth_2.pk}#respond")


def test_the_authors_e_mail_address_never_appears_in_the_page(client, page, moderator):
    published_comment(page, moderator, author_email="hidden.address@example.net")
    post_comment(client, page, author_email="own.address@example.net", body="Mine, held.")

    own_view = client.get(page.get_absolute_url())
    public_view = Client().get(page.get_absolute_url())

    assert "Mine, held." in visible_text(own_view)  # the author's own held comment is there
    for response in (own_view, public_view):
        content = response.content.decode()
        assert "hidden.address" not in content
        assert "own.address" not in content


# Remembering the reader -----------------------------------------------------


def test_remember_me_prefills_name_and_e_mail_on_the_next_page(client, page, other_page):
    post_comment(
        client,
        page,
        author_name="Remi Remembered",
        author_email="remi@example.org",
        remember="on",
    )

    tree = html_tree(client.get(other_page.get_absolute_url()))

    assert field_value(tree, "author_name") == "Remi Remembered"
    assert field_value(tree, "author_email") == "remi@example.org"
    assert "checked" in tree.find("input", name="remember").attrs


def test_without_remember_me_no_author_cookie_is_set(client, page, other_page):
    response = post_comment(client, page, author_name="Nora Nocookie")

    cookie = response.cookies.get("comment_author")
    assert cookie is None or (cookie.value == "" and str(cookie["max-age"]) == "0")
    tree = html_tree(client.get(other_page.get_absolute_url()))
    assert field_value(tree, "author_name") == ""
    assert field_value(tree, "author_email") == ""


def test_posting_without_remember_me_deletes_an_existing_author_cookie(client, page, other_page):
    post_comment(client, page, author_name="Remi Remembered", remember="on")
    assert client.cookies["comment_author"].value

    response = post_comment(client, page, author_name="Remi Remembered", body="Forget me now.")

    cookie = response.cookies["comment_author"]
    assert cookie.value == ""
    assert str(cookie["max-age"]) == "0"
    tree = html_tree(client.get(other_page.get_absolute_url()))
    assert field_value(tree, "author_name") == ""


# The seed comments ----------------------------------------------------------


def seed_comment_articles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    tree = html_tree(response)
    return response, [
        element
        for element in tree.find_all("article")
        if re.fullmatch(r"comment-\d+", element.attrs.get("id", ""))
    ]


def test_strategic_priorities_shows_the_endorsements_and_two_anonymous_comments(seeded, client):
    response, articles = seed_comment_articles(client, "/strategic-priorities/")

    assert len(articles) == 7
    assert "7 comments on “Strategic Priorities 2019-22”" in visible_text(response)
    texts = [article.text for article in articles]
    for author in [
        "Lisa Cherry, Author, Speaker and Trainer -Trauma | Recovery | Resilience",
        "Voice at Influencing Manager, BECOME",
        "Ian Gould, ECLCM Ambassador",
        "IRO Manager",
        "Voice and Influencing Manager, BECOME",
    ]:
        assert any(text.startswith(author) for text in texts), f"no comment by {author}"
    assert sum(1 for text in texts if text.startswith("Anonymous")) == 2
    assert "Finance should NEVER be used" in visible_text(response)


def test_the_conference_page_shows_its_three_feedback_comments(seeded, client):
    response, articles = seed_comment_articles(client, "/events/iroconf17/")

    assert len(articles) == 3
    assert "3 comments on “#IROConf17 – not to stop questioning”" in visible_text(response)
    authors = ["Elizabeth, IRO Manager", "Daniel, IRO Manager", "Christopher, IRO"]
    for article, author in zip(articles, authors, strict=True):
        assert article.text.startswith(author)


# Comment text ---------------------------------------------------------------


def test_a_blank_line_in_a_comment_makes_two_paragraphs(client, page, moderator):
    comment = published_comment(
        page, moderator, body="The first paragraph.\n\nThe second paragraph."
    )

    article = comment_article(html_tree(client.get(page.get_absolute_url())), comment)

    paragraphs = [p.text for p in article.find_all("p")]
    assert "The first paragraph." in paragraphs
    assert "The second paragraph." in paragraphs


def test_a_web_address_in_a_comment_becomes_a_link_that_passes_no_reputation(
    client, page, moderator
):
    comment = published_comment(
        page, moderator, body="See https://example.com/report for the details."
    )

    article = comment_article(html_tree(client.get(page.get_absolute_url())), comment)

    link = article.find("a", href="https://example.com/report")
    assert link is not None
    assert link.text == "https://example.com/report"
    assert set(link.attrs.get("rel", "").split()) == {"nofollow", "ugc", "noopener"}


# The reader's address --------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        pytest.param(0, None, "203.0.113.7", id="remote-addr"),
        pytest.param(0, "198.51.100.1, 192.0.2.9", "203.0.113.7", id="forwarded-for-ignored"),
        pytest.param(1, "198.51.100.1, 192.0.2.9", "192.0.2.9", id="one-proxy-right-most"),
    ],
)
def test_the_comment_records_the_readers_address(
    client, page, settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}

    response = client.post(
        page.get_absolute_url(), comment_data(), REMOTE_ADDR="203.0.113.7", headers=headers
    )

    assert response.status_code == 302
    assert Comment.objects.get().ip_address == expected


def test_the_save_my_details_box_starts_unticked_for_a_new_reader(client, page):
    response = client.get(page.get_absolute_url())
    box = re.search(r'<input type="checkbox" name="remember"[^>]*>', response.text).group(0)
    assert "checked" not in box
