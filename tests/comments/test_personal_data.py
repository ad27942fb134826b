"""A commenter's data can be exported and erased on request."""

import json

import pytest
from django.core.management import call_command

from comments import services
from comments.models import Comment

pytestmark = pytest.mark.django_db


def post(page, **fields):
    fields.setdefault("author_name", "Sam")
    fields.setdefault("author_email", "sam@example.org")
    fields.setdefault("body", "Hello")
    return services.submit_comment(target=page, ip_address="192.0.2.7", **fields)


def test_export_prints_everything_held_about_the_address(page, capsys):
    post(page, body="First thought")
    post(page, author_email="other@example.org", body="Not theirs")
    call_command("commenter_data", "SAM@example.org", "--export")
    exported = json.loads(capsys.readouterr().out)
    assert [item["comment"] for item in exported] == ["First thought"]
    assert exported[0]["ip_address"] == "192.0.2.7"
    assert exported[0]["address"] == "/strategic-thinking/"


def test_erase_deletes_their_comments_and_empties_those_others_replied_to(page, moderator):
    answered = post(page, body="Answered")
    services.approve(comment=answered, moderator=moderator)
    reply = post(page, author_email="other@example.org", body="A reply", parent=answered)
    lonely = post(page, body="Alone")

    call_command("commenter_data", "sam@example.org", "--erase")

    assert not Comment.objects.filter(pk=lonely.pk).exists()
    answered.refresh_from_db()
    assert answered.author_name == "Anonymous"
    assert answered.author_email == ""
    assert answered.ip_address is None
    assert "Answered" not in answered.body
    assert Comment.objects.get(pk=reply.pk).body == "A reply"
    assert not Comment.objects.filter(author_email="sam@example.org").exists()
