"""Events as iCalendar (RFC 5545), built with the icalendar library: one
event to download, or a feed of upcoming ones to subscribe to. Times carry
their zone (TZID=Europe/London, with its VTIMEZONE), so a calendar anywhere
shows them right across the clocks changing."""

import html
import re
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags

from .models import UK, Event

PRODID = "-//NIROMP//Events//EN"
# A calendar program says what happens; the prefix says so in its title too,
# as not every program shows STATUS.
STATUS = {
    Event.EventStatus.SCHEDULED: ("CONFIRMED", ""),
    Event.EventStatus.CANCELLED: ("CANCELLED", "Cancelled: "),
    Event.EventStatus.POSTPONED: ("TENTATIVE", "Postponed: "),
}
BLOCK_END = re.compile(r"<br\s*/?>|</(p|li|h[1-6]|blockquote)>", re.I)


def plain_text(rich: str) -> str:
    """Sanitised rich text as plain text: one line per paragraph or item."""
    text = html.unescape(strip_tags(BLOCK_END.sub("\n", rich)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def calendar(events, *, base_url: str, name: str | None = None) -> icalendar.Calendar:
    """`events` as one VCALENDAR; `base_url` (https://host) makes their
    addresses and stable UIDs."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", "Europe/London")
    host = urlsplit(base_url).hostname or "localhost"
    events = list(events)
    # The zone's rules for the years the events span (and always one
    # component, as RFC 5545 asks, even in an empty feed).
    today = timezone.localdate()
    first = min((e.start.astimezone(UK).date() for e in events), default=today)
    last = max((e.end.astimezone(UK).date() for e in events), default=today)
    cal.add_component(
        icalendar.Timezone.from_tzid(
            "Europe/London", first_date=first, last_date=last + timedelta(days=366)
        )
    )
    for event in events:
        status, prefix = STATUS[event.event_status]
        vevent = icalendar.Event()
        vevent.add("uid", f"event-{event.pk}@{host}")
        vevent.add("dtstamp", event.updated_at)
        vevent.add("last-modified", event.updated_at)
        vevent.add("dtstart", event.start.astimezone(UK))
        vevent.add("dtend", event.end.astimezone(UK))
        vevent.add("summary", prefix + event.title)
        vevent.add("location", event.location)
        url = base_url + event.get_absolute_url()
        description = plain_text(event.body)
        if event.booking_url:
            description += f"\n\nBook: {event.booking_url}"
        elif event.by_invitation:
            description += "\n\nBy invitation."
        vevent.add("description", f"{description}\n\n{url}".strip())
        vevent.add("url", url)
        vevent.add("status", status)
        cal.add_component(vevent)
    return cal


def ics_response(cal: icalendar.Calendar, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
