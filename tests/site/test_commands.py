"""What `make run` does to a database: seed once, never overwrite, make an operator."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from pages.models import Article, Document, Page

pytestmark = pytest.mark.django_db


def test_seed_loads_the_old_sites_content_into_an_empty_database():
    call_command("seed_content", verbosity=0)
    assert Page.objects.published().filter(slug="about-us").exists()
    assert Article.objects.published().filter(kind="press-release").count() == 1
    assert Document.objects.count() == 2


def test_seed_never_overwrites_an_editors_work(seeded, capsys):
    about = Page.objects.get(slug="about-us")
    about.body = "<p>Rewritten by an editor.</p>"
    about.save()
    Page.objects.get(slug="contact-us").delete()

    call_command("seed_content")

    about.refresh_from_db()
    assert about.body == "<p>Rewritten by an editor.</p>"
    assert not Page.objects.filter(slug="contact-us").exists()
    assert "not loaded" in capsys.readouterr().out


def test_operator_account_gets_a_random_password_printed_once(monkeypatch, capsys):
    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    call_command("ensure_operator")
    out = capsys.readouterr().out
    password = out.split("One-time password: ")[1].split()[0]
    operator = get_user_model().objects.get(username="operator")
    assert operator.is_superuser
    assert operator.check_password(password)
    assert len(password) >= 16

    call_command("ensure_operator")
    assert capsys.readouterr().out == ""
    assert get_user_model().objects.count() == 1


def test_operator_account_uses_the_names_given_in_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "sam")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long chosen passphrase")
    call_command("ensure_operator")
    assert "One-time password" not in capsys.readouterr().out
    assert get_user_model().objects.get(username="sam").check_password("a long chosen passphrase")
