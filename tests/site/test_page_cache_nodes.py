"""Two gunicorn instances (two nodes behind a proxy) serving one database,
each with its own page cache or sharing one Redis, or with the page cache off
and only the content memo: a change made beside one of them shows on the very
next request to the other. On PostgreSQL when the test
run uses it (tests/live_site.py makes the database)."""

import contextlib
import json

import httpx
import pytest

from tests.live_site import LiveSite, LiveSiteError, free_port, gunicorn, own_database
from tests.live_site import site_environment as environment

URL = "/about-us/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built once (migrated, seeded), served by none yet."""
    tmp = tmp_path_factory.mktemp("nodes")
    with own_database(tmp) as database_url:
        env = environment(
            tmp,
            0,
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="tests.settings_nodes",
            WEB_CONCURRENCY="2",
        )
        built = LiveSite(url="", database=tmp / "db.sqlite3", log=tmp / "log", env=env)
        try:
            built.manage("migrate", "--no-input")
            built.manage("seed_content")
        except LiveSiteError as error:
            pytest.fail(str(error))
        yield built


@contextlib.contextmanager
def node(site: LiveSite, name: str, **overrides: str):
    port = free_port()
    env = {**site.env, "PORT": str(port), **overrides}
    url = f"http://127.0.0.1:{port}"
    with gunicorn(env, url, site.log.with_name(f"{name}.log")):
        yield url


def title_on(url: str) -> str:
    response = httpx.get(url + URL, timeout=10)
    assert response.status_code == 200
    return response.text.split("<h1>", 1)[1].split("</h1>", 1)[0].strip()


def set_title(site: LiveSite, title: str, tmp_path) -> None:
    """Change the page's title as an operator would: dumpdata, edit, loaddata."""
    records = json.loads(site.manage("dumpdata", "pages.page"))
    for record in records:
        if record["fields"]["slug"] == "about-us":
            record["fields"]["title"] = title
    fixture = tmp_path / "pages.json"
    fixture.write_text(json.dumps(records))
    site.manage("loaddata", str(fixture))


@pytest.mark.parametrize("shared_cache", ["none", "redis", "page cache off"])
def test_a_change_shows_on_the_next_request_to_the_other_node(
    site, shared_cache, request, tmp_path
):
    overrides = {}
    if shared_cache == "redis":
        overrides["REDIS_URL"] = request.getfixturevalue("redis_url")
    if shared_cache == "page cache off":
        # Every page rendered, from the content memo (niromp_site/memo.py).
        overrides["PAGE_CACHE"] = "false"
    title = f"About us, cached {shared_cache}"
    with node(site, "a", **overrides) as a, node(site, "b", **overrides) as b:
        # Warm both nodes' workers.
        before = {title_on(url) for url in (a, b) for _ in range(6)}
        assert title not in before
        set_title(site, title, tmp_path)
        assert title_on(b) == title
        assert title_on(a) == title
