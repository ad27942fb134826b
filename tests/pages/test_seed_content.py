"""The seed content (fixtures/*.json) reaches the public pages word for word, and the
old WordPress blog's chrome does not come with it."""

# The seeds' curly quotes and dashes are part of the text being checked.
# ruff: noqa: RUF001

import pytest

from tests.helpers import SEEDED_URLS, visible_text

STRATEGY_PDF = (
    "https://smad6740.files.wordpress.com/2019/07/"
    "niromp-strategic-vision-priorities-2019-22-pdf-1.pdf"
)
REGIONS = [
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
]


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return visible_text(response)


def assert_all_in(passages, text):
    missing = [passage for passage in passages if passage not in text]
    assert not missing, f"missing from the page: {missing}"


def assert_none_in(passages, text):
    present = [passage for passage in passages if passage in text]
    assert not present, f"should not be on the page: {present}"


def test_home_page_tells_how_the_partnership_began_without_the_old_blog_chrome(seeded, client):
    text = page_text(client, "/")
    assert_all_in(
        [
            "The partnership formed originally in 2004 as a ‘working group’ made up of IRO"
            " Managers who were representatives from the Government regional areas across"
            " England",
            "The partnership meets in London four times a year, and we are grateful to the DfE"
            " for hosting our meetings.",
            "Each region has a well organised programme of regional meetings / events with clear"
            " lines of reporting to an elected Chair and Vice Chair.",
            "To keep members up to date with developments and service issues",
            "Workforce development – our pledge",
            "Identify common training needs and support how these can best be met.",
            # Once, in the footer every page shares.
            "Purpose and limitations of this website",
        ],
        text,
    )
    assert text.count("Purpose and limitations of this website") == 1
    assert_none_in(
        [
            "Log Out",
            "WordPress.com",
            "Google+",
            "COMMENTS can be added here",
            "Fill in your details below",
            "Connecting to %s",
            "This site uses Akismet",
        ],
        text,
    )


def test_about_us_keeps_its_text_and_lists_the_strategy_downloads(seeded, client):
    response = client.get("/about-us/")
    assert response.status_code == 200
    text = visible_text(response)
    assert_all_in(
        [
            "Covering each of the nine regions of England, we have a well organised programme of"
            " work to support improvement of services for children and their families by"
            " addressing challenges locally, but under a coherent national vision.",
            "Our Youth Friendly version has been written specifically for children and young"
            " people with care experience.",
            "Have their views, wishes and feelings heard and taken seriously.",
            "Always Heard can provide a safety net advocacy support to children and young people"
            " who cannot access the local support they are entitled to.",
            "We are self-hosted so there is no membership cost.",
            "How the partnership came into being",
            "We reserve the right to not publish all comments.",
            # The downloads, rendered from the page's documents after the body.
            "Strategic Vision and Priorities 2019 – 2022",
            "Strategic Vision and Priorities 2019-22",
            # (the Youth Friendly version is listed once it has a file)
        ],
        text,
    )
    content = response.content.decode()
    assert STRATEGY_PDF in content
    assert 'href="/contact-us/"' in content
    assert (
        'href="https://www.gov.uk/government/publications/independent-reviewing-officers-handbook"'
        in content
    )


def test_strategic_priorities_shows_the_endorsements_and_comments_from_the_old_site(seeded, client):
    text = page_text(client, "/strategic-priorities/")
    assert_all_in(
        [
            "This page is in development.",
            "The independence of the IRO offers a real opportunity to truly be an advocate AND an"
            " activist with a small ‘a’.",
            "Lisa Cherry, Author, Speaker and Trainer -Trauma | Recovery | Resilience",
            "Become welcomes NIROMP’s publication of their draft strategic priorities.",
            "Voice at Influencing Manager, BECOME",
            "As an older person with care experience and a retired probation manager, it is a"
            " joy/privilege to be asked to share a few thoughts about this Strategy.",
            "Ian Gould, ECLCM Ambassador",
            "I’ve read this a few times now – it’s a great vision and a powerful document.",
            "IRO Manager",
            "It’s important that IROs are proactively visible so that children understand the"
            " service and how it can help them.",
            "Voice and Influencing Manager, BECOME",
        ],
        text,
    )
    assert_all_in(
        [
            "7 comments on “Strategic Priorities 2019-22”",
            "I think that your strategic priorities are well thought out",
            "Finance should NEVER be used to justify lack of appropriate care for young people.",
        ],
        text,
    )
    assert_none_in(
        ["Comment on Strategic Priorities", "#IROConf17", "Speakers were interesting"], text
    )


def test_iroconf17_feedback_is_a_page_in_the_events_section(seeded, client):
    text = page_text(client, "/events/iroconf17/")
    assert_all_in(
        [
            "#IROConf17 – not to stop questioning",
            "Speakers were interesting and raised many issues pertinent to the role of IRO.",
            "Elizabeth, IRO Manager",
            "The theme of having an effective “narrative” proved an interesting perspective to"
            " take.",
            "Thank you very much for such a relevant and interesting day.",
            "Daniel, IRO Manager",
            "We have a professional duty to work for social justice and to advocate for those"
            " with whom we work",
            "Christopher, IRO",
        ],
        text,
    )


@pytest.mark.parametrize(
    ("section", "child_title"),
    [("/events/", "#IROConf17 – not to stop questioning"), ("/partners/", "NAIRO")],
)
def test_section_pages_list_the_pages_in_them(seeded, client, section, child_title):
    assert child_title in page_text(client, section)


def test_nairo_page_keeps_its_aims_news_and_wellbeing_list(seeded, client):
    response = client.get("/partners/nairo/")
    assert response.status_code == 200
    text = visible_text(response)
    assert_all_in(
        [
            "Welcome to the National Association of Independent Reviewing Officers.",
            "It is a registered charity with the Charity Commission, Number 1159275 registered on"
            " 19.11.2014.",
            "Our aims",
            "Influencing the legal and policy framework",
            "Current activities",
            "Participating in the national campaign to improve advocacy services",
            "Breaking news",
            "If you would like to participate contact us at info@nairo.org.uk",
            "Your personal, physical, mental and emotional health is far more important than"
            " anything else right now.",
            "Forthcoming news",
            "This will be available on Friday 7th August 2020.",
        ],
        text,
    )
    assert 'href="mailto:info@nairo.org.uk"' in response.content.decode()


def test_contact_us_introduces_the_regions_and_the_press_office(seeded, client):
    response = client.get("/contact-us/")
    assert response.status_code == 200
    text = visible_text(response)
    assert_all_in(
        [
            "Covering each of the nine regions of England, NIROMP has a well organised programme"
            " of regional meetings / events with and for IROs.",
            "Meetings of this group are held quarterly and include two elected representatives"
            " from each of the nine regions within England.",
            "Press Office",
            "Please direct all press enquiries to niromp@outlook.com",
        ],
        text,
    )
    assert 'href="mailto:niromp@outlook.com"' in response.content.decode()


@pytest.mark.parametrize("region", REGIONS)
def test_contact_us_names_each_region_of_england(seeded, client, region):
    response = client.get("/contact-us/")
    assert response.status_code == 200
    assert region in visible_text(response)
    assert f"<li>{region}</li>" in response.content.decode()


def test_press_release_shows_its_author_date_quotes_and_notes(seeded, client):
    text = page_text(client, "/news/niromp-responds-to-community-care-poll/")
    assert_all_in(
        [
            "NIROMP responds to results of Community Care poll 'What should happen to the IRO"
            " role?'",
            "Sharon Martin",
            "7 July 2022",
            "Over 80% of Community Care readers vote to keep the IRO role with 49% voting for"
            " IROs to be employed outside local authorities.",
            "The National Independent Reviewing Officer Managers Partnership is committed to"
            " improving the practice that impacts on the lives of children and families.",
            "As, NIROMP Chair, I recognise that",
            # joined again across the old page break
            "then the role of the Independent Reviewing Officer, a role that was specifically"
            " introduced in 2000 as part of the Children Act 1989 as a safeguard for children in"
            " care",
            "NIROMP, London Practitioners Group",
            "local knowledge of resources but also relationships with other professionals",
            "Paul Nash NIROMP Leadership Network",
            "Relational Activism and Strength Based Accountability",
            "Listening to Children and Involving them in decisions",
            "Career progression and continuing professional development",
            "Developing strategic intelligence to better understand the cost and efficacy of care"
            " provision",
            "Charmayne Hartye and Amanda Ankers, Co-Chairs, NIROMP IRO Advisory Group",
            "the notion that an opt-out advocacy service can replace the work of IROs is"
            " astonishingly naïve",
            "Sharon Martin, NIROMP Chair",
            "Please direct all press enquiries to niromp@outlook.com",
            "NIROMP formed originally in 2004 as a 'working group' made up of IRO Managers who"
            " worked on behalf of the Department for Education (DfE) to produce the IRO"
            " Handbook.",
            "https://niromp.org/about-us-2/",
            STRATEGY_PDF,
            "Securing Safety Policy Recommendations",
        ],
        text,
    )
    assert "thrive" in text
    assert "survive" in text
    assert_none_in(
        [
            "**",
            "National IRO Managers Partnership",
            "July 7th",
            "[Sharon Martin]",
            "[1]",
            "[4]",
        ],
        text,
    )


@pytest.mark.parametrize(
    ("url", "passages"),
    [
        (
            "/privacy-policy/",
            [
                "This website is run by the National Independent Reviewing Officer Managers"
                " Partnership (NIROMP).",
                "We use no cookies for tracking, and none at all while you simply read the site.",
                "We use no analytics and no advertising.",
                "your browser talks only to this site.",
                "each comment and the details above are sent to Akismet, a service run by"
                " Automattic.",
                "Your e-mail address is never shown publicly;",
                "We delete the IP address, browser details and referring page stored with a"
                " comment after 30 days, and comments marked as spam after 15 days",
                "Information Commissioner’s Office (ICO)",
                "niromp@outlook.com",
            ],
        ),
        (
            "/accessibility/",
            [
                "We aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA.",
                "use it with a keyboard alone;",
                "use it with JavaScript turned off.",
                "Every page has a skip link to jump straight to the main content",
                "The Strategic Vision and Priorities 2019-22 PDF is hosted on our old website and"
                " may not be fully accessible",
                "niromp@outlook.com",
                "Equality and Human Rights Commission (EHRC)",
                "Equality Advisory and Support Service (EASS)",
            ],
        ),
    ],
)
def test_site_policy_pages_are_published(seeded, client, url, passages):
    assert_all_in(passages, page_text(client, url))


@pytest.mark.parametrize("url", SEEDED_URLS)
def test_seeded_pages_have_no_placeholder_or_document_store_links(seeded, client, url):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="#"' not in content
    assert 'href="/documents/' not in content
