"""What a reader notices on the seeded site: a Home whose first screen says who
the partnership is and where to go, a menu that folds on a phone, long pages
with contents, quotations with their speakers, pages that do not look
unfinished, and no link text that links nowhere."""

# The seeds' curly quotes are part of the text being checked.
# ruff: noqa: RUF001

import re

import pytest
from django.urls import set_script_prefix

from comments.models import Comment
from pages.models import Page
from pages.sanitise import sanitise_html
from tests.factories import make_comment, make_page
from tests.helpers import SEEDED_URLS, html_tree, visible_text

STRATEGY_PDF = (
    "https://smad6740.files.wordpress.com/2019/07/"
    "niromp-strategic-vision-priorities-2019-22-pdf-1.pdf"
)
PRESS_RELEASE = "/news/niromp-responds-to-community-care-poll/"


def main_of(response):
    return html_tree(response).find("main")


# Home ----------------------------------------------------------------------


def test_home_opens_with_who_the_partnership_is_then_the_routes_then_the_history(seeded, client):
    response = client.get("/")
    text = visible_text(response)
    who = text.index(
        "Covering each of the nine regions of England, we have a well organised programme of"
        " work to support improvement of services for children and their families"
    )
    routes = html_tree(response).find("nav", **{"aria-label": "Find your way"})
    assert routes is not None
    links = {a.text: a.attrs["href"] for a in routes.find_all("a")}
    assert links == {
        "Strategic Priorities 2019-22": "/strategic-priorities/",
        "Strategic Vision and Priorities 2019-22 (PDF)": STRATEGY_PDF,
        "For children and young people with care experience": "/about-us/",
        "The nine regions of England": "/regions/",
        "National & Regional updates": "/news/",
        "Events": "/events/",
    }
    first_route = text.index("Strategic Priorities 2019-22", who)
    history = text.index("The partnership formed originally in 2004")
    assert who < first_route < history


def test_home_shows_the_limitations_notice_once(seeded, client):
    text = visible_text(client.get("/"))
    assert text.count("Purpose and limitations of this website") == 1
    assert text.count("not equipped to deal with any individual legal, emergency") == 1


def test_home_takes_no_comments_and_hides_the_pingback_that_has_no_link(seeded, client):
    assert Page.objects.get(slug="home", parent=None).comments_open is False
    response = client.get("/")
    text = visible_text(response)
    assert html_tree(response).by_id("comment-form") is None
    assert "Pingback" not in text
    assert "Child Protection Resource" not in text
    assert "comment on" not in text


def test_a_pingback_with_an_address_shows_as_a_link_to_it(db, client):
    page = make_page(title="Guidance")
    make_comment(
        page,
        "A blog about reviews",
        body="",
        kind=Comment.Kind.PINGBACK,
        author_url="https://blog.example.org/post/",
        author_email="",
        status=Comment.Status.PUBLISHED,
    )
    make_comment(
        page,
        "A blog with no address",
        body="",
        kind=Comment.Kind.PINGBACK,
        author_email="",
        status=Comment.Status.PUBLISHED,
    )
    response = client.get("/guidance/")
    link = main_of(response).find("a", href="https://blog.example.org/post/")
    assert link is not None
    assert link.text == "A blog about reviews"
    text = visible_text(response)
    assert "A blog with no address" not in text
    assert "1 comment on" in text


# Navigation ------------------------------------------------------------------


def main_menu(response):
    return html_tree(response).find("nav", **{"aria-label": "Main"})


def test_the_main_menu_folds_behind_a_menu_disclosure(seeded, client):
    nav = main_menu(client.get("/"))
    details = nav.find("details")
    assert details is not None
    assert details.find("summary").text == "Menu"
    assert [a.text for a in details.find_all("a")][:3] == [
        "Home",
        "About Us",
        "Strategic Priorities 2019-22",
    ]


def test_the_menu_marks_the_current_page_and_the_current_section(seeded, client):
    about = main_menu(client.get("/about-us/"))
    assert about.find("a", href="/about-us/").attrs["aria-current"] == "page"
    assert about.find("a", href="/").attrs.get("aria-current") is None

    in_events = main_menu(client.get("/events/iroconf17/"))
    assert in_events.find("a", href="/events/").attrs["aria-current"] == "true"
    assert in_events.find_all("a", **{"aria-current": "page"}) == []


def test_the_header_and_footer_follow_the_address_the_site_is_served_under(seeded, client):
    """They are rendered once and reused (pages/templatetags/chrome.py); a site
    served under a path prefix still links within it, and the root does not."""
    # As Django's WSGI handler does for SCRIPT_NAME (the test client does not).
    set_script_prefix("/niromp/")
    try:
        under = html_tree(client.get("/about-us/", SCRIPT_NAME="/niromp"))
    finally:
        set_script_prefix("/")
    root = html_tree(client.get("/about-us/"))
    for tree, prefix in ((under, "/niromp"), (root, "")):
        menu = tree.find("nav", **{"aria-label": "Main"})
        current = [
            (a.attrs["href"], a.attrs["aria-current"])
            for a in menu.find_all("a")
            if "aria-current" in a.attrs
        ]
        assert current == [(f"{prefix}/about-us/", "page")]  # not Home, at {prefix}/
        footer = {a.text: a.attrs["href"] for a in tree.find("footer").find_all("a")}
        assert footer["News feed"] == f"{prefix}/news/feed/"
        feeds = [link.attrs["href"] for link in tree.find_all("link", rel="alternate")]
        assert f"{prefix}/news/feed/" in feeds


# Long pages --------------------------------------------------------------------


def test_the_press_release_lists_its_headings_and_each_goes_to_its_section(seeded, client):
    tree = html_tree(client.get(PRESS_RELEASE))
    contents = tree.find("nav", id="contents")
    assert contents is not None
    entries = [(a.text, a.attrs["href"]) for a in contents.find_all("a")]
    assert [text for text, _ in entries] == [
        "Relational Activism and Strength Based Accountability",
        "Listening to Children and Involving them in decisions",
        "Career progression and continuing professional development",
        "Developing strategic intelligence to better understand the cost and efficacy of care"
        " provision",
    ]
    for text, href in entries:
        heading = tree.by_id(href.removeprefix("#"))
        assert heading is not None and heading.tag == "h2"
        assert heading.text == text
    back = [a for a in tree.find_all("a") if a.text == "Back to top"]
    assert len(back) == 4  # before each later heading, and at the end
    assert {a.attrs["href"] for a in back} == {"#contents"}


def test_heading_ids_are_unique_and_the_same_on_every_visit(db, client):
    make_page(
        title="Guidance",
        body="<h2>Notes</h2><p>a</p><h3>Notes</h3><p>b</p><h2>Comments</h2><p>c</p>"
        "<h2>Notes</h2><p>d</p>",
    )
    first = html_tree(client.get("/guidance/"))
    ids = [h.attrs["id"] for h in first.find("div", class_="prose").find_all() if h.tag[0] == "h"]
    assert ids == ["notes", "notes-2", "comments-2", "notes-3"]
    second = html_tree(client.get("/guidance/"))
    assert [a.attrs["href"] for a in second.find("nav", id="contents").find_all("a")] == [
        f"#{i}" for i in ids
    ]


def test_a_page_with_few_headings_has_no_contents_list(seeded, client):
    response = client.get("/contact-us/")  # one heading of its own
    assert html_tree(response).find("nav", id="contents") is None
    assert "Back to top" not in visible_text(response)


def test_each_quotation_in_the_press_release_names_its_speaker_after_the_words(seeded, client):
    prose = html_tree(client.get(PRESS_RELEASE)).find("div", class_="prose")
    quotes = prose.find_all("blockquote")
    assert len(quotes) == 21
    for quote in quotes:
        figure = quote.parent
        assert figure.tag == "figure"
        elements = [child for child in figure.children if not isinstance(child, str)]
        assert [e.tag for e in elements] == ["blockquote", "figcaption"]
    captions = [figure.find("figcaption").text for figure in prose.find_all("figure")]
    assert "Paul Nash NIROMP Leadership Network" in captions
    assert "Izzy Martin and Sharon Davey, NIROMP Leadership Network" in captions
    # No speaker as a bold line before the words any more.
    assert not [p for p in prose.find_all("p") if p.children and p.find("strong") is p.children[0]]


def test_the_sanitiser_keeps_a_quotation_and_its_caption():
    markup = (
        "<figure><blockquote><p>Words.</p></blockquote><figcaption>Speaker</figcaption></figure>"
    )
    assert sanitise_html(markup) == markup


# Unfinished-looking content ------------------------------------------------------


def test_a_page_in_development_leads_with_its_downloads_and_comments(seeded, client):
    response = client.get("/strategic-priorities/")
    text = visible_text(response)
    lead = text.index("has the official support of the Minister for Children and Families")
    download = text.index("Download: Strategic Vision and Priorities 2019-22 (PDF)")
    comments = text.index("Read the 7 comments on this page")
    in_development = text.index("This page is in development.")
    assert lead < download < comments < in_development
    link = main_of(response).find("a", href="#comments")
    assert link is not None and link.text == "Read the 7 comments on this page"


@pytest.mark.parametrize("url", ["/about-us/", "/strategic-priorities/", "/"])
def test_a_document_without_a_file_is_not_listed_to_readers(seeded, client, url):
    text = visible_text(client.get(url))
    assert "Youth Friendly Strategic Priorities" not in text
    assert "not yet available" not in text


def test_the_nairo_page_says_it_is_nairos_2020_news_with_its_address(seeded, client):
    response = client.get("/partners/nairo/")
    prose = main_of(response).find("div", class_="prose")
    first = prose.find("p")
    assert first.text.startswith("From NAIRO, 2020.")
    assert first.find("a", href="https://nairo.org.uk/") is not None


# Link texts --------------------------------------------------------------------

# A block ending in "here" (or "click here"/"see here" anywhere) is where a
# link was and is not any more.
DEAD_HERE = re.compile(r"\b(click|see) here\b|\bhere\W*$", re.IGNORECASE)


@pytest.mark.parametrize("url", SEEDED_URLS)
def test_no_seeded_page_says_here_where_a_link_was(seeded, client, url):
    main = main_of(client.get(url))
    here_links = [a for a in main.find_all("a") if a.text.lower() in {"here", "click here"}]
    assert here_links == []
    dead = [
        block.text
        for block in main.find_all()
        if block.tag in {"p", "li", "h2", "h3"} and DEAD_HERE.search(block.text)
    ]
    assert dead == []


@pytest.mark.parametrize(
    "title",
    [
        "Young People’s Guide to the Independent Reviewing Officers’ Handbook",
        "Local authority responsibilities",
    ],
)
def test_a_guide_with_no_address_in_the_seeds_is_named_as_a_title_not_a_link(seeded, client, title):
    for url in ("/", "/about-us/"):
        main = main_of(client.get(url))
        cites = [cite.text for cite in main.find_all("cite")]
        assert title in cites, url
        assert title not in [a.text for a in main.find_all("a")]
