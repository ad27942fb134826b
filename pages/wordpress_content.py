"""WordPress post content to the HTML the site's editor produces.

WordPress stores a post's text as the author typed it: paragraphs as blank
lines (its `wpautop` adds the <p> tags when it shows the post), possibly with
block-editor comments (<!-- wp:paragraph -->) and shortcodes ([caption],
[gallery], [embed]). `to_html()` turns that into paragraphs, figures and links;
the model's SanitisedHTMLField then cleans it like every other write.
"""

import re
from html import escape

# Block-level tags: text is never wrapped in a paragraph across them.
BLOCK_TAGS = (
    "address|article|aside|blockquote|dd|div|dl|dt|figcaption|figure|footer|form|h[1-6]|"
    "header|hr|li|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul|iframe|"
    "audio|video|object|details|summary"
)
_OPEN_BLOCK = re.compile(rf"(<(?:{BLOCK_TAGS})[\s/>])", re.I)
_CLOSE_BLOCK = re.compile(rf"(</(?:{BLOCK_TAGS})>)", re.I)
_P_BEFORE_BLOCK = re.compile(rf"<p>\s*(</?(?:{BLOCK_TAGS})[^>]*>)", re.I)
_P_AFTER_BLOCK = re.compile(rf"(</?(?:{BLOCK_TAGS})[^>]*>)\s*</p>", re.I)
_BR_AFTER_BLOCK = re.compile(rf"(</?(?:{BLOCK_TAGS})[^>]*>)\s*<br>", re.I)
_BR_BEFORE_BLOCK = re.compile(r"<br>(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", re.I)
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"\[\]]+)[ \t]*$", re.M)
# Dropped by the sanitiser anyway; taken out first so no empty paragraph is left.
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_PLACEHOLDER = re.compile(r"(?:<p>)?\x00(\d+)\x00(?:</p>)?")


def autop(text: str) -> str:
    """Blank lines to paragraphs and single line breaks to <br>, leaving
    block-level markup (lists, headings, quotes, existing paragraphs) whole:
    the steps of WordPress's wpautop that matter for the markup the site keeps."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _OPEN_BLOCK.sub(r"\n\n\1", text)
    text = _CLOSE_BLOCK.sub(r"\1\n\n", text)
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text)]
    html = "".join(f"<p>{chunk}</p>\n" for chunk in chunks if chunk)
    html = re.sub(r"<p>(<blockquote[^>]*>)", r"\1<p>", html, flags=re.I)
    html = html.replace("</blockquote></p>", "</p></blockquote>")
    html = re.sub(r"<p>\s*</p>", "", html)
    html = _P_BEFORE_BLOCK.sub(r"\1", html)
    html = _P_AFTER_BLOCK.sub(r"\1", html)
    html = re.sub(r"[ \t]*\n(?!$)", "<br>\n", html.rstrip("\n")) + "\n"
    html = _BR_AFTER_BLOCK.sub(r"\1", html)
    html = _BR_BEFORE_BLOCK.sub(r"\1", html)
    return re.sub(r"<p>\s*</p>", "", html).strip()


def _attribute(attributes: str, name: str) -> str:
    found = re.search(rf"\b{name}\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", attributes)
    return next((group for group in found.groups() if group is not None), "") if found else ""


def _caption(match: re.Match) -> str:
    """[caption]<img ...> The text[/caption] (older WordPress put the text in
    a caption="" attribute) becomes a figure with a figcaption."""
    attributes, inner = match.group(1), match.group(2)
    media = re.match(r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", inner, re.S)
    image, text = (media.group(1), media.group(2)) if media else ("", inner)
    text = text.strip() or escape(_attribute(attributes, "caption"))
    return f"<figure>{image}<figcaption>{text}</figcaption></figure>"


def _link(url: str) -> str:
    if not re.match(r"https?://", url):
        return ""
    return f'<p><a href="{escape(url)}">{escape(url)}</a></p>'


class _Shortcodes:
    """Shortcodes are expanded after the paragraphs are made (as WordPress
    does), each held meanwhile by a placeholder paragraph of its own."""

    def __init__(self):
        self.html: list[str] = []

    def _hold(self, html: str) -> str:
        self.html.append(html)
        return f"\n\n\x00{len(self.html) - 1}\x00\n\n"

    def take_out(self, text: str) -> str:
        flags = re.S | re.I
        text = text.replace("\x00", "")
        text = re.sub(
            r"\[caption\b([^\]]*)\](.*?)\[/caption\]",
            lambda m: self._hold(_caption(m)),
            text,
            flags=flags,
        )
        text = re.sub(
            r"\[embed\b[^\]]*\](.*?)\[/embed\]",
            lambda m: self._hold(_link(m.group(1).strip())),
            text,
            flags=flags,
        )
        # Galleries and players need WordPress itself; they are dropped.
        text = re.sub(
            r"\[(gallery|playlist|audio|video)\b[^\]]*\](?:.*?\[/\1\])?", "", text, flags=flags
        )
        # A bare address on a line of its own is an embed in WordPress.
        return _URL_LINE.sub(lambda m: self._hold(_link(m.group(1))), text)

    def put_back(self, html: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self.html[int(m.group(1))], html)


def to_html(content: str, *, links: dict[str, str] | None = None) -> str:
    """A post's stored content as HTML. `links` maps old addresses (of
    attachments) to new ones; each is replaced wherever content links to it."""
    text = _SCRIPT.sub("", _BLOCK_COMMENT.sub("", content))
    for old, new in sorted((links or {}).items(), key=lambda pair: -len(pair[0])):
        text = text.replace(old, new)
    shortcodes = _Shortcodes()
    return shortcodes.put_back(autop(shortcodes.take_out(text)))
