"""Reading the environment for settings.py: each reader parses and checks one
variable when Django starts, and a bad value stops the site with a message
that names the variable, says what was wrong and gives a valid example, rather
than a 500 when a reader first touches the feature."""

import os
import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def _refuse(name: str, value: str, expected: str, example: str):
    raise ImproperlyConfigured(f"{name} must be {expected}, not {value!r} (e.g. {name}={example})")


def boolean(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    return _refuse(name, value, "true or false", "true")


def integer(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    expected = f"a whole number from {minimum}" + (f" to {maximum}" if maximum is not None else "")
    try:
        number = int(value)
    except ValueError:
        return _refuse(name, value, expected, default)
    if number < minimum or (maximum is not None and number > maximum):
        return _refuse(name, value, expected, default)
    return number


def number(name: str, default: float, *, minimum: float = 0) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        result = float(value)
    except ValueError:
        result = None
    if result is None or result != result or result < minimum or result == float("inf"):
        return _refuse(name, value, f"a number of at least {minimum:g}", f"{default:g}")
    return result


def text(name: str, default: str = "") -> str:
    return _raw(name) or default


def listing(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in text(name, default).split(",") if item.strip()]


def choice(name: str, default: str, choices: list[str]) -> str:
    value = text(name, default)
    if value.upper() not in choices:
        return _refuse(name, value, "one of " + ", ".join(choices), default)
    return value.upper()


def url(name: str, default: str = "", *, example: str, path_allowed: bool = False) -> str:
    """An http(s) address with a host; '' when unset and no default."""
    value = text(name, default).rstrip("/")
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.query
        or parts.fragment
        or (parts.path and not path_allowed)
    ):
        what = "an http:// or https:// address" + ("" if path_allowed else " with no path")
        return _refuse(name, value, what, example)
    return value


def redis_url(name: str) -> str:
    """A Redis server's address (redis://, rediss:// or unix://); '' when unset."""
    value = text(name)
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        parts = None
    if parts is None or not (
        (parts.scheme in {"redis", "rediss"} and parts.hostname)
        or (parts.scheme == "unix" and parts.path)
    ):
        return _refuse(name, value, "a redis:// address", "redis://127.0.0.1:6379/0")
    return value


def origins(name: str, *, example: str) -> list[str]:
    values = listing(name)
    for value in values:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path:
            _refuse(name, value, "a comma-separated list of origins like https://host", example)
    return values


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, timedelta] | None:
    """'5/10m' -> (5, 10 minutes); '0' or '' -> None (no limit). ValueError otherwise."""
    if rate.strip() in {"", "0"}:
        return None
    match = _RATE.match(rate)
    if not match or int(match.group(1)) < 1 or match.group(2) == "0":
        raise ValueError(f"{rate!r} is not a rate like 5/10m")
    count, amount, unit = match.groups()
    return int(count), timedelta(seconds=int(amount or 1) * _UNIT_SECONDS[unit])


def rate(name: str, default: str) -> str:
    """A rate such as 5/10m (N per period in s, m, h or d), or 0 for none."""
    value = text(name, default)
    try:
        parse_rate(value)
    except ValueError:
        return _refuse(name, value, "a count per period in s, m, h or d, or 0 for none", default)
    return value
