"""Many readers commenting at the same moment, against the site as production runs it.

The fixture builds a throw-away site the way `make run` does (migrate, seed_content,
collectstatic, then gunicorn with several worker processes and threads) on its own
database (SQLite, or PostgreSQL when the run has DATABASE_URL), and the tests fire a
burst of comment POSTs from separate threads, each with its own browser-like session.
Every comment must be saved, exactly once, held for moderation: none lost, no 500,
no "database is locked".

These tests talk to the server's own database (read afterwards through the ORM in a
subprocess), so they use no pytest-django database fixture.
Run with `pytest -s` to see the figures.
"""

import re
import statistics
import threading
import time
import uuid
from dataclasses import dataclass

import httpx
import pytest

from tests.live_site import GUNICORN, LiveSite, LiveSiteError
from tests.live_site import live_site as start_live_site

pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason=f"no gunicorn at {GUNICORN}")

TIMEOUT = 30  # seconds for any one request; gunicorn's own timeout is the same
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    try:
        with start_live_site(tmp_path_factory.mktemp("concurrency")) as site:
            yield site
    except LiveSiteError as error:
        pytest.fail(str(error))


@dataclass
class Result:
    marker: str
    path: str
    status: int | None = None
    location: str = ""
    started: float = 0.0
    finished: float = 0.0
    error: str = ""

    @property
    def elapsed(self) -> float:
        return self.finished - self.started


def _reader(site: LiveSite, barrier: threading.Barrier, result: Result) -> None:
    """One reader: load the page (CSRF cookie and token), wait for the others,
    then post a comment."""
    page_url = site.url + result.path
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
            page = client.get(page_url)
            page.raise_for_status()
            token = CSRF_FIELD.search(page.text)
            assert token, f"no csrfmiddlewaretoken in the form on {result.path}"
            data = {
                "csrfmiddlewaretoken": token.group(1),
                "author_name": f"Reader {result.marker[-2:]}",
                "author_email": "reader@example.org",
                "author_url": "",
                "body": f"Posted at the same moment as the others. {result.marker}",
                "parent": "",
                "homepage": "",
            }
            barrier.wait(timeout=TIMEOUT)
            result.started = time.perf_counter()
            response = client.post(page_url, data=data, headers={"Referer": page_url})
            result.finished = time.perf_counter()
            result.status = response.status_code
            result.location = response.headers.get("Location", "")
    except Exception as error:  # reported by the test, with the server's log
        result.finished = result.finished or time.perf_counter()
        result.error = f"{type(error).__name__}: {error}"
        barrier.abort()


def _fire(site: LiveSite, paths: list[str]) -> list[Result]:
    """Post one comment to each path, all at the same moment."""
    run = uuid.uuid4().hex[:8]
    results = [Result(marker=f"[burst-{run}-{i:02d}]", path=path) for i, path in enumerate(paths)]
    barrier = threading.Barrier(len(results))
    threads = [
        threading.Thread(target=_reader, args=(site, barrier, result), name=f"reader-{i}")
        for i, result in enumerate(results)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a reader thread hung"
    return results


def _burst(site: LiveSite, paths: list[str], name: str) -> list[Result]:
    results = _fire(site, paths)
    timed = [r for r in results if r.status is not None]
    if timed:
        times = [r.elapsed for r in timed]
        wall = max(r.finished for r in timed) - min(r.started for r in timed)
        print(
            f"\n{name}: {len(timed)} comments posted at once to {len(set(paths))} page(s); "
            f"burst wall time {wall:.3f} s; response time max {max(times):.3f} s, "
            f"median {statistics.median(times):.3f} s"
        )

    failures = [
        f"{r.marker} {r.path}: {r.error or f'HTTP {r.status}'}"
        for r in results
        if r.error or r.status != 302
    ]
    assert not failures, (
        f"{len(failures)} of {len(results)} comments were not accepted with a 302:\n"
        + "\n".join(failures)
        + f"\n--- gunicorn log ---\n{site.log_tail()}"
    )
    for r in results:
        assert r.location.startswith(f"{r.path}#comment-"), (r.marker, r.location)
    return results


def _assert_saved(site: LiveSite, results: list[Result]) -> None:
    """Read the server's database: each marker once, held, unchecked, on its page."""
    run = results[0].marker.split("-")[1]
    rows = site.comments_containing(f"[burst-{run}-")
    problems = []
    for r in results:
        matching = [row for row in rows if r.marker in row["body"]]
        if len(matching) != 1:
            problems.append(f"{r.marker}: saved {len(matching)} times")
            continue
        row = matching[0]
        pk, status, verdict, slug = row["id"], row["status"], row["verdict"], row["page__slug"]
        expected_slug = r.path.strip("/").rsplit("/", 1)[-1] or "home"
        if (status, verdict, slug) != ("held", "unchecked", expected_slug):
            problems.append(f"{r.marker}: comment {pk} is {status}/{verdict} on {slug!r}")
        if r.location != f"{r.path}#comment-{pk}":
            problems.append(f"{r.marker}: redirected to {r.location}, saved as {pk}")
    assert len(rows) == len(results), f"{len(rows)} rows for {len(results)} comments"
    assert not problems, "\n".join(problems) + f"\n--- gunicorn log ---\n{site.log_tail()}"
    log = site.log.read_text(errors="replace")
    for sign in ("database is locked", "Traceback", "[CRITICAL]", "WORKER TIMEOUT"):
        assert sign not in log, f"{sign!r} in the gunicorn log:\n{site.log_tail()}"


def test_simultaneous_comments_on_one_page_are_all_saved(live_site):
    results = _burst(live_site, ["/about-us/"] * 24, "one page")
    _assert_saved(live_site, results)


def test_simultaneous_comments_on_three_pages_are_all_saved(live_site):
    paths = ["/about-us/", "/strategic-priorities/", "/events/iroconf17/"] * 4
    results = _burst(live_site, paths, "three pages")
    _assert_saved(live_site, results)


def test_the_rate_limit_holds_when_one_address_posts_many_comments_at_once(tmp_path):
    """Twenty comments from one address at the same moment with a limit of
    three: exactly three are accepted; the others are asked to wait (429), and
    none is half-saved."""
    try:
        with start_live_site(tmp_path, COMMENT_RATE_LIMIT="3/90s") as site:
            results = _fire(site, ["/about-us/"] * 20)
            run = results[0].marker.split("-")[1]
            saved = site.comments_containing(f"[burst-{run}-")
            log = site.log.read_text(errors="replace")
    except LiveSiteError as error:
        pytest.fail(str(error))

    statuses = sorted(r.status or 0 for r in results)
    assert [r.error for r in results if r.error] == []
    assert statuses == [302] * 3 + [429] * 17, statuses
    accepted = {r.marker for r in results if r.status == 302}
    assert {marker for row in saved for marker in accepted if marker in row["body"]} == accepted
    assert len(saved) == 3
    assert "Traceback" not in log
