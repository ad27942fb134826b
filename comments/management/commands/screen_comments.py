import json
import sys

from django.core.management.base import BaseCommand, CommandError

from comments.screening import CONCERNS, ScreeningRulesError, rules, rules_path


class Command(BaseCommand):
    help = (
        "Screen comments for a possible disclosure of harm or identifying details: reads one "
        "comment per line on standard input and writes one JSON object per line. With "
        "--evaluate FILE, measures the rules on a labelled corpus instead."
    )
    # call_command(..., stdin=...) gives the lines in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "--evaluate",
            metavar="FILE",
            help="A labelled corpus: one 'labels<TAB>sentence' per line, labels comma-separated "
            "concerns or '-' for none; '#' starts a comment line. Prints precision and recall "
            "per concern and every sentence the rules get wrong.",
        )

    def handle(self, *args, evaluate=None, **options):
        try:
            screening = rules()
        except ScreeningRulesError as error:
            raise CommandError(str(error)) from error
        if evaluate:
            self.evaluate(screening, evaluate)
            return
        for line in options.get("stdin") or sys.stdin:
            text = line.rstrip("\r\n")
            result = screening.screen(text)
            self.stdout.write(
                json.dumps(
                    {
                        "text": text,
                        "concerns": list(result.concerns),
                        "spans": [list(span) for span in result.spans],
                    },
                    ensure_ascii=False,
                )
            )

    def evaluate(self, screening, path):
        corpus = read_corpus(path)
        counts = {c: {"tp": 0, "fp": 0, "fn": 0} for c in CONCERNS}
        mistakes = []
        for number, expected, text in corpus:
            found = set(screening.screen(text).concerns)
            for concern in CONCERNS:
                if concern in found and concern in expected:
                    counts[concern]["tp"] += 1
                elif concern in found:
                    counts[concern]["fp"] += 1
                    mistakes.append(f"line {number}: {concern} found, not labelled: {text}")
                elif concern in expected:
                    counts[concern]["fn"] += 1
                    mistakes.append(f"line {number}: {concern} labelled, not found: {text}")
        self.stdout.write(f"{len(corpus)} sentences, rules from {rules_path()}")
        self.stdout.write(f"{'concern':<12} {'precision':>9} {'recall':>7} {'labelled':>8}")
        for concern, c in counts.items():
            precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
            recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
            self.stdout.write(
                f"{concern:<12} {precision:>9.3f} {recall:>7.3f} {c['tp'] + c['fn']:>8}"
            )
        for mistake in mistakes:
            self.stdout.write(mistake)


def read_corpus(path):
    """[(line number, set of concerns, sentence)]; a clear CommandError for a bad line."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read the corpus {path}: {error}") from error
    corpus = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        labels, tab, text = line.partition("\t")
        expected = (
            set() if labels.strip() == "-" else {label.strip() for label in labels.split(",")}
        )
        unknown = expected - set(CONCERNS)
        if not tab or not text.strip() or unknown:
            raise CommandError(
                f"{path}, line {number}: expected 'labels<TAB>sentence' with labels among "
                f"{', '.join(CONCERNS)} or '-', got {line[:60]!r}"
            )
        corpus.append((number, expected, text))
    if not corpus:
        raise CommandError(f"{path} holds no labelled sentence")
    return corpus
