"""Screening a comment for what a moderator must look at before anything else:
a possible disclosure of harm by a young person, and details that identify or
locate someone (readers include children in care).

`screen(text)` is pure: it reads the rules (comments/screening_rules.toml, or
the file SCREENING_RULES_FILE names), compiled once and compiled again only
when that file changes, so an operator's edit applies to the next comment
without a restart. The rules file explains the phrase syntax.
"""

import re
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from django.conf import settings

DEFAULT_RULES_FILE = Path(__file__).with_name("screening_rules.toml")
CONCERNS = ("disclosure", "identifying")
GAP = "..."

# Between two words of a phrase: spaces or commas (young people often type no
# punctuation; a full stop ends the sentence and so the phrase).
SEP = r"[\s,]+"
WORD = r"[\w']+"
LEFT = r"(?<![\w'])"
RIGHT = r"(?![\w'])"
# Typographic apostrophes become plain ones: same length, so offsets hold.
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
WORDS = re.compile(r"[\w']+")
SENTENCE_END = re.compile(r"[.!?\n]")


class ScreeningRulesError(ValueError):
    """The rules file is missing, does not parse or holds a rule that cannot work."""


@dataclass(frozen=True)
class Screening:
    concerns: tuple[str, ...]
    spans: tuple[tuple[int, int, str], ...]


def screen(text: str) -> Screening:
    return rules().screen(text)


def rules_path() -> Path:
    return Path(getattr(settings, "SCREENING_RULES_FILE", "") or DEFAULT_RULES_FILE)


_cache: dict[Path, tuple[tuple[int, int], "Rules"]] = {}
_cache_lock = threading.Lock()


def rules() -> "Rules":
    """The compiled rules, compiled again when the file's mtime or size changes."""
    path = rules_path()
    try:
        stat = path.stat()
    except OSError as error:
        raise ScreeningRulesError(f"Cannot read the screening rules {path}: {error}") from error
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    with _cache_lock:
        compiled = Rules.load(path)
        _cache[path] = (stamp, compiled)
    return compiled


def _normal(phrase: str) -> str:
    """A word or phrase as the context checks compare it: lower case, no
    apostrophes, hyphens as spaces."""
    return " ".join(phrase.lower().replace("'", "").replace("-", " ").split())


def _literal(phrase: str) -> str:
    """The regex for a literal word or phrase: apostrophes optional, hyphens
    a hyphen, a space or nothing, words separated by SEP."""
    words = []
    for word in phrase.translate(APOSTROPHES).split():
        pieces = [re.escape(part).replace("'", "'?") for part in word.split("-")]
        words.append(r"[-\s]?".join(pieces))
    return SEP.join(words)


def _alternatives(phrases) -> str:
    # Longest first, so "my mum" wins over "my" and "self harm" over "self".
    ordered = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    return "(?:" + "|".join(_literal(p) for p in ordered) + ")"


class Rules:
    def __init__(self, data: dict, source: Path):
        self.source = source
        try:
            self._compile(data)
        # AttributeError: valid TOML in the wrong shape ("settings = 3").
        except (AttributeError, KeyError, TypeError, ValueError, re.error) as error:
            raise ScreeningRulesError(f"The screening rules in {source}: {error}") from error

    @classmethod
    def load(cls, path: Path) -> "Rules":
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        # UnicodeDecodeError: saved in another encoding than UTF-8.
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ScreeningRulesError(f"Cannot read the screening rules {path}: {error}") from error
        return cls(data, path)

    # -- compiling ------------------------------------------------------------

    def _compile(self, data: dict) -> None:
        options = data.get("settings", {})
        self.gap_words = int(options.get("gap_words", 3))
        self.negation_window = int(options.get("negation_window", 3))
        self.context_window = int(options.get("context_window", 6))
        self.lists = {name: list(words) for name, words in data.get("lists", {}).items()}
        self.negations = {_normal(w) for w in self.lists.get("negation", [])}
        negation = _alternatives(self.lists.get("negation", [])) if self.negations else None
        # A gap word: any word but a negation.
        guard = f"(?!{negation}{RIGHT})" if negation else ""
        self.gap = f"(?:{SEP}{guard}{WORD}){{0,{self.gap_words}}}"

        disclosure = data["disclosure"]
        self.disclosure = [
            re.compile(self._phrase(p), re.IGNORECASE) for p in disclosure["phrases"]
        ]
        self.disclosure_context = {_normal(p) for p in disclosure.get("exclude_context", [])}

        found = data["identifying"]
        self.phone_region = found.get("phone_region", "GB")
        self.phone_min_digits = int(found.get("phone_min_digits", 10))
        self.allowed_numbers = {n.lstrip("0") for n in found.get("allowed_numbers", [])}
        self.email = re.compile(found["email"])
        self.postcode = re.compile(rf"\b{found['postcode']}\b")
        self.not_a_name = {_normal(w) for w in found.get("not_a_name", [])}
        self.street = re.compile(
            rf"\b\d{{1,4}}[a-z]?,?\s+((?:[A-Za-z']+\s+){{1,3}}?){_alternatives(found['street_words'])}\b",
            re.IGNORECASE,
        )
        name_word = r"(?:[A-Z][\w']*(?:-[A-Z][\w']*)?|[A-Z]{2,})"
        self.institution = re.compile(
            rf"\b((?:{name_word}\s+){{1,4}}?){_alternatives(found['institution_words'])}(?![\w'])"
        )
        self.institution_cued = re.compile(
            rf"{LEFT}{_alternatives(found['institution_cues'])}\s+((?:[\w']+\s+){{1,3}}?)"
            rf"{_alternatives(found['lower_institution_words'])}{RIGHT}",
            re.IGNORECASE,
        )
        self.full_name = re.compile(
            r"\b([A-Z][a-z']+(?:-[A-Z][a-z']+)?)\s+([A-Z][a-z']+(?:-[A-Z][a-z']+)?)"
            r"(?:\s+([A-Z][a-z']+(?:-[A-Z][a-z']+)?))?\b"
        )
        self.in_care = {_normal(w) for w in found.get("in_care_words", [])}
        self.name_window = int(found.get("name_window", 8))

    def _phrase(self, phrase: str) -> str:
        tokens = phrase.split()
        if not tokens or GAP in (tokens[0], tokens[-1]):
            raise ValueError(f"phrase {phrase!r}: '...' must stand between two words")
        parts = []
        for token in tokens:
            if token == GAP:
                parts.append(self.gap)
                continue
            if token.startswith("{") and token.endswith("}"):
                regex = _alternatives(self.lists[token[1:-1]])
            else:
                regex = _alternatives(token.split("|"))
            parts.append((SEP if parts else "") + regex)
        return LEFT + "".join(parts) + RIGHT

    # -- screening ------------------------------------------------------------

    def screen(self, text: str) -> Screening:
        text = text.translate(APOSTROPHES)
        words = [(m.start(), m.end(), _normal(m.group())) for m in WORDS.finditer(text)]
        spans = [(s, e, "disclosure") for s, e in self._disclosures(text, words)]
        spans += [(s, e, "identifying") for s, e in self._identifying(text, words)]
        merged = _merge(spans)
        return Screening(
            concerns=tuple(sorted({concern for _, _, concern in merged})), spans=tuple(merged)
        )

    def _disclosures(self, text, words):
        for pattern in self.disclosure:
            for match in pattern.finditer(text):
                start, end = match.span()
                before = _words_before(text, words, start, self.negation_window)
                if _phrases_in(before, self.negations):
                    continue
                if _phrases_in(
                    _window(text, words, start, end, self.context_window),
                    self.disclosure_context,
                ):
                    continue
                yield start, end

    def _identifying(self, text, words):
        matcher = phonenumbers.PhoneNumberMatcher(
            text, self.phone_region, leniency=phonenumbers.Leniency.POSSIBLE
        )
        for match in matcher:
            digits = re.sub(r"\D", "", match.raw_string)
            national = phonenumbers.national_significant_number(match.number)
            if national in self.allowed_numbers or digits.lstrip("0") in self.allowed_numbers:
                continue
            # Years, year ranges and charity numbers are shaped like numbers
            # too; a phone number is written from its 0 or its +.
            if len(digits) < self.phone_min_digits or match.raw_string.lstrip("(")[0] not in "0+":
                continue
            yield match.start, match.end
        for pattern in (self.email, self.postcode):
            for match in pattern.finditer(text):
                yield match.span()
        for pattern in (self.street, self.institution, self.institution_cued):
            for match in pattern.finditer(text):
                if self._names_something(match.group(1)):
                    yield match.span()
        for match in self.full_name.finditer(text):
            names = [_normal(n) for n in match.groups() if n]
            if any(n in self.not_a_name for n in names):
                continue
            window = _window(text, words, *match.span(), self.name_window)
            if _phrases_in(window, self.in_care):
                yield match.span()

    def _names_something(self, words: str) -> bool:
        """At least one word of a school's or street's name is not a common word."""
        return any(_normal(w) not in self.not_a_name for w in words.split())


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    head = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    tail = SENTENCE_END.search(text, end)
    return head, tail.start() if tail else len(text)


def _words_before(text, words, start, count) -> str:
    head, _ = _sentence(text, start, start)
    before = [w for s, e, w in words if head <= s and e <= start]
    return " ".join(before[-count:]) if count else ""


def _window(text, words, start, end, count) -> str:
    """The match and up to `count` words either side of it, in its sentence."""
    head, tail = _sentence(text, start, end)
    before = [w for s, e, w in words if head <= s and e <= start]
    inside = [w for s, e, w in words if start <= s and e <= end]
    after = [w for s, e, w in words if end <= s and e <= tail]
    return " ".join(before[-count:] + inside + after[:count])


def _phrases_in(window: str, phrases: set[str]) -> set[str]:
    padded = f" {window} "
    return {p for p in phrases if f" {p} " in padded}


def _merge(spans):
    """Sorted spans, overlapping ones of the same concern joined."""
    merged: list[tuple[int, int, str]] = []
    for start, end, concern in sorted(spans, key=lambda s: (s[2], s[0], s[1])):
        if merged and merged[-1][2] == concern and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), concern)
        else:
            merged.append((start, end, concern))
    return sorted(merged)
