"""Events: the upcoming and past lists, an event's page, its .ics file and the
calendar feeds; only published, due events reach the public anywhere."""

import re
from datetime import datetime, timedelta
from xml.etree import ElementTree

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comments.models import Comment
from pages.models import UK, Event, Region, Status
from tests.factories import make_event, make_moderator, post_comment
from tests.helpers import admin_add, html_tree, logged_in, visible_text

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

pytestmark = pytest.mark.django_db


def uk(*args) -> datetime:
    return datetime(*args, tzinfo=UK)


def titles(response) -> list[str]:
    return [h.text.strip() for h in html_tree(response).find_all("h2") if h.find("a")]


def parsed(response) -> icalendar.Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


@pytest.fixture
def mixed_events():
    """Two upcoming events (the sooner cancelled), one past, and a draft and a
    scheduled one that nobody outside the staff may see; all in the North East."""
    north_east = Region.objects.get(slug="north-east")
    later = make_event(title="Annual conference", days_ahead=20, regions=[north_east])
    sooner = make_event(
        title="Community of Practice",
        days_ahead=5,
        event_status=Event.EventStatus.CANCELLED,
        regions=[north_east],
    )
    past = make_event(title="Last year's meeting", days_ahead=-300, regions=[north_east])
    make_event(title="Draft meeting", status=Status.DRAFT, regions=[north_east])
    make_event(
        title="Scheduled meeting",
        publish_at=timezone.now() + timedelta(days=1),
        regions=[north_east],
    )
    return later, sooner, past


HIDDEN = ["draft-meeting", "scheduled-meeting"]


def test_the_lists_and_the_region_page_show_only_published_events_in_order(client, mixed_events):
    upcoming = client.get("/events/")
    assert titles(upcoming) == ["Community of Practice", "Annual conference"]
    cancelled = html_tree(upcoming).find("p", class_="event-status")
    assert cancelled.text.strip() == "Cancelled"

    assert titles(client.get("/events/past/")) == ["Last year's meeting"]

    region = visible_text(client.get("/regions/north-east/"))
    for title in ["Community of Practice", "Annual conference", "Last year's meeting"]:
        assert title in region
    for slug in HIDDEN:
        assert slug.replace("-", " ") not in region.lower()
        assert client.get(f"/events/{slug}/").status_code == 404
        assert client.get(f"/events/{slug}.ics").status_code == 404


def test_the_feeds_and_the_sitemap_hold_only_published_events(client, mixed_events):
    later, sooner, _ = mixed_events
    for url in ["/events/calendar.ics", "/regions/north-east/calendar.ics"]:
        events = parsed(client.get(url)).events
        assert [e["SUMMARY"] for e in events] == [
            "Cancelled: Community of Practice",
            "Annual conference",
        ]
        assert [e["UID"] for e in events] == [f"event-{e.pk}@testserver" for e in (sooner, later)]
    assert parsed(client.get("/regions/london/calendar.ics")).events == []

    sitemap = ElementTree.fromstring(client.get("/sitemap.xml").content)
    locations = {loc.text for loc in sitemap.iter(f"{SITEMAP}loc")}
    assert {f"http://testserver/events/{e.slug}/" for e in mixed_events} <= locations
    assert not {loc for loc in locations for slug in HIDDEN if slug in loc}


def test_past_events_are_newest_first_ten_a_page(client):
    for number in range(12):
        make_event(title=f"Meeting {number:02d}", days_ahead=-10 - number)
    first = client.get("/events/past/")
    assert titles(first) == [f"Meeting {n:02d}" for n in range(10)]
    assert html_tree(first).find("a", rel="next").attrs["href"] == "?page=2"
    assert titles(client.get("/events/past/?page=2")) == ["Meeting 10", "Meeting 11"]


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (uk(2026, 3, 3, 10), uk(2026, 3, 3, 12, 30), "Tuesday 3 March 2026, 10:00 to 12:30 GMT"),
        (uk(2026, 7, 7, 9, 30), uk(2026, 7, 7, 16), "Tuesday 7 July 2026, 09:30 to 16:00 BST"),
        # Over the night the clocks go forward.
        (
            uk(2026, 3, 28, 10),
            uk(2026, 3, 29, 16),
            "Saturday 28 March 2026, 10:00 GMT to Sunday 29 March 2026, 16:00 BST",
        ),
    ],
)
def test_an_event_shows_its_time_in_uk_time_with_the_zone(client, start, end, shown):
    event = make_event(title="Regional meeting", start=start, end=end)
    assert shown in visible_text(client.get(event.get_absolute_url()))


def test_an_event_page_shows_what_a_reader_needs(client):
    london = Region.objects.get(slug="london")
    event = make_event(
        title="National meeting",
        kind=Event.Kind.NATIONAL_MEETING,
        location="Department for Education, London",
        body="<p>The quarterly meeting.</p><script>alert(1)</script>",
        by_invitation=True,
        event_status=Event.EventStatus.POSTPONED,
        regions=[london],
    )
    response = client.get(event.get_absolute_url())
    text = visible_text(response)
    for expected in [
        "National meeting",
        "Postponed",
        "Department for Education, London",
        "The quarterly meeting.",
        "By invitation",
    ]:
        assert expected in text
    assert "alert(1)" not in response.content.decode()
    tree = html_tree(response)
    assert tree.find("a", href="/regions/london/").text == "London"
    assert tree.find("a", href=f"/events/{event.slug}.ics") is not None


def test_the_ics_file_escapes_folds_and_carries_its_zone(client):
    title = "Rights, voice; and \\ a line\nbreak"
    event = make_event(
        title=title,
        start=uk(2026, 7, 7, 10),
        end=uk(2026, 7, 7, 12, 30),
        location="Room 1; Town Hall, Leeds",
        body="<p>Bring notes, please; and a pen.</p><p>" + "Long line of detail. " * 20 + "</p>",
        event_status=Event.EventStatus.CANCELLED,
    )
    response = client.get(f"/events/{event.slug}.ics")
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    raw = response.content.decode()
    lines = raw.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long description was folded
    assert "SUMMARY:Cancelled: Rights\\, voice\\; and \\\\ a line break" in raw
    assert "LOCATION:Room 1\\; Town Hall\\, Leeds" in raw

    cal = icalendar.Calendar.from_ical(response.content)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    (vevent,) = cal.events
    assert vevent["UID"] == f"event-{event.pk}@testserver"
    assert vevent["DTSTAMP"].dt.tzinfo is not None
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"
    assert vevent["DTSTART"].dt == event.start and vevent["DTEND"].dt == event.end
    assert vevent["SUMMARY"] == "Cancelled: Rights, voice; and \\ a line break"
    assert vevent["LOCATION"] == "Room 1; Town Hall, Leeds"
    assert vevent["DESCRIPTION"].startswith("Bring notes, please; and a pen.\nLong line")
    assert vevent["URL"] == f"http://testserver/events/{event.slug}/"
    assert vevent["STATUS"] == "CANCELLED"


def test_editors_add_events_in_the_admin_and_moderators_cannot(editor_client):
    north_west = Region.objects.get(slug="north-west")
    admin_add(
        editor_client,
        "event",
        title="IRO conference",
        slug="iro-conference",
        start=uk(2027, 1, 12, 9, 30),
        end=uk(2027, 1, 12, 16),
        location="Online",
        regions=[north_west.pk],
        status=Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(minutes=1),
    )
    event = Event.objects.get(slug="iro-conference")
    assert event.start == uk(2027, 1, 12, 9, 30)
    assert list(event.regions.all()) == [north_west]

    moderator = logged_in(make_moderator())
    assert moderator.get("/admin/pages/event/add/").status_code == 403
    assert moderator.post("/admin/pages/event/add/", {"title": "x"}).status_code == 403
    assert Event.objects.count() == 1


def test_a_reader_comments_on_an_event(client):
    event = make_event(title="Practice session")
    response = post_comment(client, event, body="Will the slides be shared?")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.target == event
    assert comment.status == Comment.Status.HELD


def test_the_iroconf17_feedback_stays_filed_under_past_events(client, seeded):
    events = visible_text(client.get("/events/"))
    assert "IROs can join our conferences and events at minimal to no cost." in events

    past = html_tree(client.get("/events/past/"))
    link = past.find("a", href="/events/iroconf17/")
    assert link.text == "#IROConf17 \u2013 not to stop questioning"

    feedback = visible_text(client.get("/events/iroconf17/"))
    assert "Speakers were interesting and raised many issues" in feedback

    clash = Event(
        title="Conference",
        slug="iroconf17",
        start=uk(2027, 1, 1, 10),
        end=uk(2027, 1, 1, 11),
        location="Online",
    )
    with pytest.raises(ValidationError, match="already has this address"):
        clash.full_clean()


def test_events_and_regions_are_in_the_main_navigation(client, seeded):
    nav = html_tree(client.get("/")).find("nav", **{"aria-label": "Main"})
    links = [a.attrs["href"] for a in nav.find_all("a")]
    assert "/events/" in links and "/regions/" in links
    assert re.search(r"/events/.*/regions/", " ".join(links))
