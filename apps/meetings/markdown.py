"""Markdown for agendas and minutes, rendered to HTML that is safe to put in a page.

Two layers:

1. Python-Markdown with raw HTML switched off: the ``html_block`` preprocessor and the
   ``html`` inline pattern are removed, so ``<script>`` or ``<div hx-get=…>`` typed into the
   text comes out as escaped text, never as markup. ``attr_list`` (which lets text set
   arbitrary attributes) and the other ``extra`` pieces that need raw HTML or ids are not used.
   Headings move one level down (``#`` → ``<h2>``, deepest ``<h4>``): the page owns ``<h1>``.
2. nh3 (ammonia) with a short allowlist of tags and attributes, links limited to http, https
   and mailto (or relative), and ``rel="noopener noreferrer"`` on every link. Whatever the
   first layer lets through, no script, style, event handler, ``hx-*`` attribute or
   ``javascript:``/``data:``/``vbscript:`` URL survives this one.
"""

import xml.etree.ElementTree as etree

import markdown as python_markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "code",
        "pre",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]


# The page has its own <h1>: text headings start one level down (# → h2) and stop at h4.
HEADING_SHIFT = {"h1": "h2", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}


class _ShiftHeadings(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in HEADING_SHIFT:
                element.tag = HEADING_SHIFT[element.tag]


def _markdown() -> python_markdown.Markdown:
    md = python_markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    # No raw HTML: typed tags stay text (and are escaped) instead of passing through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_ShiftHeadings(md), "shift_headings", 1)
    return md


def markdown_render(text: str) -> SafeString:
    """Markdown → sanitised HTML, safe to insert into a page as is."""
    if not text:
        return mark_safe("")
    html = _markdown().convert(str(text))
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 — sanitised by nh3 with the allowlist above
