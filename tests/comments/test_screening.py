"""Screening comments for a possible disclosure of harm or identifying details
(comments/screening.py): measured on a labelled corpus written for the project,
through the command operators run and through screen() itself."""

import io
import json
import os
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from comments.screening import DEFAULT_RULES_FILE, screen

CORPUS = Path(__file__).with_name("screening_corpus.tsv")
MINIMUM = 0.9


def labelled_corpus():
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            labels, _, text = line.partition("\t")
            yield (set() if labels == "-" else set(labels.split(","))), text


def screen_lines(*lines: str) -> list[dict]:
    out = io.StringIO()
    call_command("screen_comments", stdin=io.StringIO("".join(f"{x}\n" for x in lines)), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_corpus_holds_at_least_150_sentences_of_each_kind():
    corpus = list(labelled_corpus())
    assert len(corpus) >= 150
    for concern in ("disclosure", "identifying"):
        assert sum(concern in labels for labels, _ in corpus) >= 50
    assert sum(not labels for labels, _ in corpus) >= 50


def test_the_command_measures_precision_and_recall_of_at_least_09_per_concern():
    out = io.StringIO()
    call_command("screen_comments", "--evaluate", str(CORPUS), stdout=out)
    print(out.getvalue())
    rows = re.findall(r"^(disclosure|identifying)\s+([\d.]+)\s+([\d.]+)", out.getvalue(), re.M)
    assert [row[0] for row in rows] == ["disclosure", "identifying"]
    for concern, precision, recall in rows:
        assert float(precision) >= MINIMUM, concern
        assert float(recall) >= MINIMUM, concern


@pytest.mark.parametrize("concern", ["disclosure", "identifying"])
def test_screen_has_precision_and_recall_of_at_least_09_on_the_corpus(concern):
    hits = false_alarms = misses = 0
    for labels, text in labelled_corpus():
        found = concern in screen(text).concerns
        hits += found and concern in labels
        false_alarms += found and concern not in labels
        misses += not found and concern in labels
    precision, recall = hits / (hits + false_alarms), hits / (hits + misses)
    print(f"{concern}: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= MINIMUM
    assert recall >= MINIMUM


def test_the_command_writes_one_json_object_per_comment_with_spans_and_sorted_concerns():
    text = "im scared to go home text me on 07700 900123"
    results = screen_lines(text, "Thank you for a thoughtful strategy.")
    assert results[0]["text"] == text
    assert results[0]["concerns"] == ["disclosure", "identifying"]
    spans = {(text[start:end], concern) for start, end, concern in results[0]["spans"]}
    assert spans == {("im scared to go home", "disclosure"), ("07700 900123", "identifying")}
    assert results[1] == {
        "text": "Thank you for a thoughtful strategy.",
        "concerns": [],
        "spans": [],
    }


def test_spans_are_offsets_into_the_text_as_written_with_curly_apostrophes():
    text = "Honestly I don\u2019t want to be alive. Email me at kit@example.com"
    result = screen(text)
    assert result.concerns == ("disclosure", "identifying")
    assert [text[s:e] for s, e, _ in result.spans] == [
        "I don\u2019t want to be alive",
        "kit@example.com",
    ]


def test_every_published_seed_comment_screens_clean(seeded):
    published = Comment.objects.published().exclude(body="")
    assert published.count() >= 10
    for comment in published:
        assert screen(comment.body).spans == (), comment.body


@pytest.mark.parametrize(
    "text",
    [
        "Call 999 if you are in danger.",
        "You can talk to Childline on 0800 1111, any time.",
        "The NSPCC helpline is 0808 800 5000.",
        "Samaritans answer on 116 123, day or night.",
        "Phone 111 when it is not an emergency.",
        "Registered charity number 1089464.",
        "Between 2019-2023 the number of reviews rose by 12 per cent.",
    ],
)
def test_helplines_and_charity_numbers_are_not_flagged(text):
    assert screen(text).concerns == ()


@pytest.mark.parametrize(
    "text",
    [
        "Our domestic abuse training is open to all IROs.",
        "Child sexual exploitation is a priority for the partnership.",
        "Many children in care have self-harm and mental health needs.",
        "Safeguarding partnerships should hear from IROs.",
        "Young people who self-harm need a trusted adult.",
        "The Virtual School Head attends the review.",
        "Looked After Children reviews are chaired by an Independent Reviewing Officer.",
    ],
)
def test_the_professions_vocabulary_is_not_flagged(text):
    assert screen(text).concerns == ()


def test_negation_keeps_a_sentence_unflagged():
    assert screen("he hits me").concerns == ("disclosure",)
    assert screen("he never hits me").concerns == ()
    assert screen("nobody hits me at my placement").concerns == ()


def test_an_operators_edit_to_the_rules_file_applies_without_a_restart(tmp_path, settings):
    rules = tmp_path / "rules.toml"
    rules.write_text(DEFAULT_RULES_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    settings.SCREENING_RULES_FILE = str(rules)
    text = "my carer makes me sleep in the shed"
    assert screen(text).concerns == ()

    edited = rules.read_text(encoding="utf-8").replace(
        "phrases = [", 'phrases = [\n    "sleep in the shed",', 1
    )
    rules.write_text(edited, encoding="utf-8")
    # A later modification time, as an editor's save gives, whatever the clock's grain.
    stat = rules.stat()
    os.utime(rules, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    assert screen(text).concerns == ("disclosure",)
    assert screen_lines(text)[0]["concerns"] == ["disclosure"]


def test_a_rules_file_that_does_not_parse_is_reported_by_name(tmp_path, settings):
    rules = tmp_path / "rules.toml"
    rules.write_text("[disclosure\nphrases = [", encoding="utf-8")
    settings.SCREENING_RULES_FILE = str(rules)
    with pytest.raises(CommandError, match=r"Cannot read the screening rules .*rules\.toml"):
        screen_lines("he hits me")


def test_a_bad_corpus_line_is_reported_with_its_line_number(tmp_path):
    corpus = tmp_path / "corpus.tsv"
    corpus.write_text("disclosure\the hits me\nworry\tsomething\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"corpus\.tsv, line 2: expected 'labels<TAB>sentence'"):
        call_command("screen_comments", "--evaluate", str(corpus), stdout=io.StringIO())


def test_a_serving_process_builds_the_screen_before_its_first_comment(
    tmp_path, settings, monkeypatch
):
    """warm_up() (run by each gunicorn worker as it starts, niromp_site/wsgi.py)
    compiles the rules, so the first reader to comment does not wait for it."""
    from comments import screening
    from comments.apps import warm_up

    rules = tmp_path / "rules.toml"
    rules.write_text(DEFAULT_RULES_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    settings.SCREENING_RULES_FILE = str(rules)
    warm_up()

    def compile_again(path):
        raise AssertionError(f"the first comment compiled {path} again")

    monkeypatch.setattr(screening.Rules, "load", compile_again)
    assert screen("he hits me").concerns == ("disclosure",)


def test_a_rules_file_that_does_not_parse_does_not_stop_the_site_starting(
    tmp_path, settings, caplog
):
    from comments.apps import warm_up

    rules = tmp_path / "rules.toml"
    rules.write_text("[disclosure\nphrases = [", encoding="utf-8")
    settings.SCREENING_RULES_FILE = str(rules)
    warm_up()
    assert "Could not prepare the screening rules (comments will be held unscreened)" in caplog.text
    assert "rules.toml" in caplog.text


def test_a_step_of_the_warm_up_that_fails_does_not_stop_the_site_starting(
    settings, monkeypatch, caplog
):
    """E.g. a CA bundle that cannot be read: logged; the spam check fails
    where it is needed, leaving comments unchecked, and the site serves."""
    from comments import spam
    from comments.apps import warm_up

    settings.AKISMET_API_KEY, settings.AKISMET_SITE_URL = "key", "https://niromp.example"

    def unreadable():
        raise OSError("no CA bundle")

    monkeypatch.setattr(spam, "tls_context", unreadable)
    warm_up()
    assert "Could not prepare Akismet's TLS context" in caplog.text
    assert "no CA bundle" in caplog.text
