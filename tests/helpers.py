"""Helpers the test modules share (builders of test data are in
tests/factories.py): reading a response as a reader sees it, driving the
admin's forms as a browser does, running manage.py as an operator does, and
the addresses the seed content publishes."""

import html
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]

# What `manage.py seed_content` publishes, as a reader reaches it.
SEEDED_URLS = [
    "/",
    "/about-us/",
    "/strategic-priorities/",
    "/events/",
    "/events/iroconf17/",
    "/partners/",
    "/partners/nairo/",
    "/contact-us/",
    "/privacy-policy/",
    "/accessibility/",
    "/news/niromp-responds-to-community-care-poll/",
]


# Reading a response ---------------------------------------------------------


def visible_text(response) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded,
    white space folded to single spaces."""
    content = response.content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    content = re.sub(r"<[^>]+>", " ", content)
    return re.sub(r"\s+", " ", html.unescape(content)).strip()


# A small HTML tree, so tests can ask where an element sits and what its
# attributes are rather than matching markup as text.

VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = {name: value or "" for name, value in attrs}
        self.parent = parent
        self.children = []

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and all(element.attrs.get(name.rstrip("_")) == value for name, value in attrs.items())
        ]

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def by_id(self, element_id):
        return self.find(id=element_id)

    @property
    def text(self):
        parts = [
            child if isinstance(child, str) else child.text
            for child in self.children
            if not (isinstance(child, Element) and child.tag in {"script", "style"})
        ]
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    @property
    def raw_text(self):
        """The text exactly as parsed (for a textarea's content)."""
        return "".join(
            child if isinstance(child, str) else child.raw_text for child in self.children
        )

    @property
    def ancestors(self):
        element = self.parent
        while element is not None:
            yield element
            element = element.parent

    def closest(self, tag):
        return next((a for a in self.ancestors if a.tag == tag), None)

    def __contains__(self, other):
        return any(element is other for element in self.iter())


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def html_tree(response) -> Element:
    builder = _TreeBuilder()
    builder.feed(response.content.decode())
    builder.close()
    return builder.root


def field_value(tree: Element, name: str) -> str:
    """What a form field shows: an input's value, or a textarea's text."""
    field = tree.find(name=name)
    assert field is not None, f"no field named {name}"
    if field.tag == "textarea":
        # The HTML spec drops one newline straight after <textarea>.
        return field.raw_text.removeprefix("\r\n").removeprefix("\n")
    return field.attrs.get("value", "")


# The admin's forms ---------------------------------------------------------


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_errors(response) -> str:
    """What the admin form complained about, for assertion messages."""
    context = response.context
    if context is None or "adminform" not in context:
        return f"status {response.status_code}"
    form = context["adminform"].form
    return f"status {response.status_code}: {form.errors.as_data()!r}"


def form_data(response, **changes) -> dict:
    """The admin form on `response` as a browser would post it back, with
    `changes` (Python values: datetimes, booleans, lists of pks, strings)."""
    form = response.context["adminform"].form
    values = {name: form[name].value() for name in form.fields}
    values.update(changes)
    data = {}
    for name, value in values.items():
        field = form.fields.get(name)
        if field is None or isinstance(value, SimpleUploadedFile):
            data[name] = value
        elif isinstance(field, forms.FileField):
            continue  # a file input posts nothing unless a file is chosen
        elif isinstance(field.widget, forms.MultiWidget):  # publish_at: date, time
            parts = field.widget.decompress(value)
            for index, (widget, part) in enumerate(zip(field.widget.widgets, parts, strict=True)):
                data[f"{name}_{index}"] = widget.format_value(part) or ""
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [str(getattr(v, "pk", v)) for v in value or []]
        elif value is None:
            data[name] = ""
        else:
            data[name] = str(getattr(value, "pk", value))
    return data


def change_form_data(client, obj, **changes) -> dict:
    """What `obj`'s admin change form posts back as the browser shows it, with
    its inlines' management forms and `changes`. For a form of plain fields
    (a comment's); `form_data` knows dates, files and choices."""
    meta = obj._meta
    response = client.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    )
    assert response.status_code == 200
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    data.update(changes)
    return data


def admin_add(client, model: str, **changes):
    """Fill in and save the admin's add form for `model` ("page", "article", "document")."""
    url = f"/admin/pages/{model}/add/"
    response = client.post(url, form_data(client.get(url), **changes))
    assert response.status_code == 302, form_errors(response)
    return response


def admin_change(client, obj, **changes):
    """Change `obj` through its admin change form, keeping every other field as it is."""
    url = f"/admin/pages/{obj._meta.model_name}/{obj.pk}/change/"
    response = client.post(url, form_data(client.get(url), **changes))
    assert response.status_code == 302, form_errors(response)
    return response


# manage.py -----------------------------------------------------------------


def run_manage(*args, **env) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with the production settings module and
    only `env` of the DJANGO_* variables, as an operator's shell would."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean["DJANGO_SETTINGS_MODULE"] = "niromp_site.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
