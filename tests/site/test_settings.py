"""The settings fail closed and pass Django's deployment checks in production."""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_manage

ROOT = Path(__file__).resolve().parents[2]


def test_the_site_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage("check", DJANGO_SECRET_KEY_FILE=str(tmp_path / "missing"))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY_FILE names" in result.stderr
    assert str(tmp_path / "missing") in result.stderr


def test_the_secret_key_is_read_from_the_file_the_environment_names(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("a-key-kept-in-a-file-" + secrets.token_urlsafe(30) + "\n")
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        DJANGO_SECRET_KEY_FILE=str(key_file),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == key_file.read_text().strip()


def test_an_empty_key_file_is_refused(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("\n")
    result = run_manage("check", DJANGO_SECRET_KEY_FILE=str(key_file))
    assert result.returncode != 0
    assert "is empty" in result.stderr


def test_debug_mode_starts_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_a_mistyped_boolean_is_refused_rather_than_guessed():
    result = run_manage("check", DJANGO_DEBUG="maybe")
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="niromp.org",
        DJANGO_HTTPS="true",
        DJANGO_BEHIND_PROXY="true",
        EMAIL_HOST="smtp.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "example"),
    [
        ("COMMENT_RATE_LIMIT", "5 a minute", "COMMENT_RATE_LIMIT=5/10m"),
        ("COMMENT_RATE_LIMIT", "0/10m", "COMMENT_RATE_LIMIT=5/10m"),
        ("COMMENTS_MAX_DEPTH", "deep", "COMMENTS_MAX_DEPTH=3"),
        ("COMMENTS_SPAM_RETENTION_DAYS", "-5", "COMMENTS_SPAM_RETENTION_DAYS=15"),
        ("COMMENTS_PERSONAL_DATA_RETENTION_DAYS", "0", "COMMENTS_PERSONAL_DATA_RETENTION_DAYS=30"),
        ("REDACTED_ORIGINAL_DAYS", "ninety", "REDACTED_ORIGINAL_DAYS=90"),
        ("AKISMET_TIMEOUT", "three", "AKISMET_TIMEOUT=3"),
        ("AKISMET_API_URL", "rest.akismet.com", "AKISMET_API_URL=https://rest.akismet.com"),
        ("SITE_URL", "niromp.org", "SITE_URL=https://niromp.org"),
        ("SITE_URL", "https://niromp.org/home/", "SITE_URL=https://niromp.org"),
        ("DATABASE_URL", "mysql://user@host/niromp", "DATABASE_URL=postgres://"),
        ("DATABASE_URL", "not an address", "DATABASE_URL=postgres://"),
        ("DJANGO_CSRF_TRUSTED_ORIGINS", "niromp.org", "DJANGO_CSRF_TRUSTED_ORIGINS=https://"),
        ("DJANGO_HTTPS", "sometimes", "DJANGO_HTTPS=true"),
        ("DJANGO_HSTS_SECONDS", "a year", "DJANGO_HSTS_SECONDS=31536000"),
        ("DJANGO_LOG_LEVEL", "LOUD", "DJANGO_LOG_LEVEL=INFO"),
        ("DJANGO_DEFAULT_FROM_EMAIL", "webmaster", "DJANGO_DEFAULT_FROM_EMAIL="),
        ("DOCUMENT_MAX_UPLOAD_MB", "20MB", "DOCUMENT_MAX_UPLOAD_MB=20"),
        ("AXES_FAILURE_LIMIT", "0", "AXES_FAILURE_LIMIT=5"),
        ("AXES_COOLOFF_HOURS", "an hour", "AXES_COOLOFF_HOURS=1"),
        ("TRUSTED_PROXY_COUNT", "one", "TRUSTED_PROXY_COUNT=0"),
        ("TASKS_BACKEND", "a worker", "TASKS_BACKEND=django.tasks"),
        ("EMAIL_PORT", "smtp", "EMAIL_PORT=587"),
        ("NOTIFY_CONFIRM_DAYS", "a week", "NOTIFY_CONFIRM_DAYS=7"),
        ("PAGE_CACHE", "sometimes", "PAGE_CACHE=true"),
        ("REDIS_URL", "127.0.0.1:6379", "REDIS_URL=redis://127.0.0.1:6379/0"),
    ],
)
def test_a_bad_setting_stops_the_site_at_start_naming_the_variable(variable, value, example):
    """Checked when Django starts, not when a reader first touches the feature."""
    result = run_manage(
        "check", DJANGO_SECRET_KEY="k", EMAIL_HOST="smtp.example.org", **{variable: value}
    )
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    assert variable in message
    assert example in message


def test_the_documented_example_values_are_all_accepted(tmp_path):
    result = run_manage(
        "check",
        DJANGO_SECRET_KEY="k",
        COMMENT_RATE_LIMIT="5/10m",
        SITE_URL="https://niromp.org",
        AKISMET_SITE_URL="https://niromp.org",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://niromp.org,https://www.niromp.org",
        DJANGO_DEFAULT_FROM_EMAIL="NIROMP <website@niromp.org>",
        DJANGO_LOG_LEVEL="warning",
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="465",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr


def test_a_checkout_makes_its_own_key_file_once_for_every_command(tmp_path):
    """A checkout where `make run` has not run yet: the first manage.py
    command writes var/secret_key (owner-only) and every later one reads it."""
    checkout = tmp_path / "checkout"
    for name in ("niromp_site", "pages", "comments", "templates", "static", "fixtures"):
        shutil.copytree(ROOT / name, checkout / name)
    shutil.copy(ROOT / "manage.py", checkout)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    show_key = ["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"]

    keys = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "manage.py", *show_key],
            cwd=checkout,
            env={**clean, "DJANGO_SETTINGS_MODULE": "niromp_site.settings"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        keys.append(done.stdout.strip().splitlines()[-1])

    key_file = checkout / "var" / "secret_key"
    assert keys[0] == keys[1] == key_file.read_text().strip()
    assert len(keys[0]) > 40
    assert oct(key_file.stat().st_mode)[-3:] == "600"
