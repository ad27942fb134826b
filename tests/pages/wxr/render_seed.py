"""Writes seed-site.xml: the seed content in fixtures/ as the old WordPress
blog would have exported it (WXR 1.2), paragraphs stored as blank lines the
way WordPress keeps them. The test imports it and compares the result with the
fixtures' version. Run it again when the fixtures change:

    .venv/bin/python tests/pages/wxr/render_seed.py

Descriptions are carried as Yoast SEO's meta description, as on a WordPress
site with that plugin. Dates: the fixtures hold none for pages and comments, and the site does not
show a page's date; they are given the press release's date (7 July 2022).
"""

import json
import re
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[3]
SITE = "https://niromp.org"
DATE_LOCAL, DATE_GMT = "2022-07-07 00:00:00", "2022-07-06 23:00:00"


def load(name):
    return json.loads((ROOT / "fixtures" / f"{name}.json").read_text())


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def stored(body: str) -> str:
    """HTML as WordPress's classic editor stores it: a top-level paragraph is
    its text followed by a blank line; other blocks stay as they are."""
    blocks = r"<(p|ul|ol|blockquote|h[2-4]|figure)\b.*?</\1>"
    assert not re.sub(blocks, "", body, flags=re.S).strip(), "text outside the blocks"
    out = []
    for part in re.finditer(blocks, body, flags=re.S):
        html = part.group(0)
        if part.group(1) == "p" and html.startswith("<p>"):
            html = html[3:-4]
        out.append(html)
    return "\n\n".join(out)


def comment(c, pk) -> str:
    f = c["fields"]
    return f"""
    <wp:comment>
      <wp:comment_id>{pk}</wp:comment_id>
      <wp:comment_author>{cdata(f["author_name"])}</wp:comment_author>
      <wp:comment_author_email>{escape(f["author_email"])}</wp:comment_author_email>
      <wp:comment_author_url>{escape(f["author_url"])}</wp:comment_author_url>
      <wp:comment_author_IP></wp:comment_author_IP>
      <wp:comment_date>{DATE_LOCAL}</wp:comment_date>
      <wp:comment_date_gmt>{DATE_GMT}</wp:comment_date_gmt>
      <wp:comment_content>{cdata(f["body"])}</wp:comment_content>
      <wp:comment_approved>1</wp:comment_approved>
      <wp:comment_type>{"pingback" if f["kind"] == "pingback" else "comment"}</wp:comment_type>
      <wp:comment_parent>{f["parent"] or 0}</wp:comment_parent>
    </wp:comment>"""


def item(
    *,
    wp_id,
    post_type,
    title,
    slug,
    link,
    content,
    excerpt="",
    parent=0,
    menu_order=0,
    comment_status="open",
    creator="niromp",
    date=(DATE_LOCAL, DATE_GMT),
    comments="",
    categories="",
    extra="",
    description="",
):
    return f"""
  <item>
    <title>{cdata(title)}</title>
    <link>{link}</link>
    <dc:creator>{cdata(creator)}</dc:creator>
    <guid isPermaLink="false">{SITE}/?p={wp_id}</guid>
    <content:encoded>{cdata(content)}</content:encoded>
    <excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>
    <wp:post_id>{wp_id}</wp:post_id>
    <wp:post_date>{date[0]}</wp:post_date>
    <wp:post_date_gmt>{date[1]}</wp:post_date_gmt>
    <wp:comment_status>{comment_status}</wp:comment_status>
    <wp:post_name>{slug}</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_parent>{parent}</wp:post_parent>
    <wp:menu_order>{menu_order}</wp:menu_order>
    <wp:post_type>{post_type}</wp:post_type>
    <wp:post_password></wp:post_password>{categories}{extra}
    <wp:postmeta>
      <wp:meta_key>_yoast_wpseo_metadesc</wp:meta_key>
      <wp:meta_value>{cdata(description)}</wp:meta_value>
    </wp:postmeta>{comments}
  </item>"""


def main():
    pages = {o["pk"]: o["fields"] for o in load("pages")}
    comments = [c for c in load("comments") if c["model"] == "comments.comment"]
    documents = {o["pk"]: o["fields"] for o in load("documents")}

    def path(pk):
        f = pages[pk]
        return (path(f["parent"]) + "/" if f["parent"] else "") + f["slug"]

    items = []
    for pk, doc in documents.items():
        if doc["external_url"]:
            items.append(
                item(
                    wp_id=1000 + pk,
                    post_type="attachment",
                    title=doc["title"],
                    slug=doc["slug"],
                    link=f"{SITE}/?attachment_id={1000 + pk}",
                    content="",
                    parent=0,
                    extra="\n    <wp:attachment_url>"
                    + escape(doc["external_url"])
                    + "</wp:attachment_url>",
                ).replace("<wp:status>publish</wp:status>", "<wp:status>inherit</wp:status>")
            )
    for pk, f in pages.items():
        on_page = "".join(comment(c, c["pk"]) for c in comments if c["fields"]["page"] == pk)
        items.append(
            item(
                wp_id=100 + pk,
                post_type="page",
                title=f["title"],
                slug=f["slug"],
                link=f"{SITE}/{path(pk)}/",
                content=stored(f["body"]),
                parent=100 + f["parent"] if f["parent"] else 0,
                menu_order=f["menu_order"] or 0,
                comment_status="open" if f.get("comments_open", True) else "closed",
                comments=on_page,
                description=f["description"],
            )
        )
    for a in load("articles"):
        f = a["fields"]
        body = stored(f["body"]) + "\n\n<h2>Notes to editors</h2>\n\n" + f["notes_to_editors"]
        body += "\n\n" + f["press_contact"]
        items.append(
            item(
                wp_id=200 + a["pk"],
                post_type="post",
                title=f["title"],
                slug=f["slug"],
                link=f"{SITE}/2022/07/07/{f['slug']}/",
                content=body,
                excerpt=f["summary"],
                creator="sharonmartin",
                description=f["description"],
                categories='\n    <category domain="category" nicename="press-releases">'
                "<![CDATA[Press releases]]></category>",
            )
        )
    authors = "".join(
        f"\n  <wp:author><wp:author_id>{n}</wp:author_id>"
        f"<wp:author_login>{cdata(login)}</wp:author_login>"
        f"<wp:author_display_name>{cdata(name)}</wp:author_display_name></wp:author>"
        for n, (login, name) in enumerate(
            [("niromp", "NIROMP"), ("sharonmartin", "Sharon Martin")], start=1
        )
    )
    xml = f"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- The seed content as a WordPress export; written by render_seed.py. -->
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>NIROMP</title>
  <link>{SITE}</link>
  <language>en-GB</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{SITE}</wp:base_site_url>
  <wp:base_blog_url>{SITE}</wp:base_blog_url>{authors}{"".join(items)}
</channel>
</rss>
"""
    (Path(__file__).parent / "seed-site.xml").write_text(xml)


if __name__ == "__main__":
    main()
