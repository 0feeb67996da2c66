"""Markdown for agendas and minutes: useful formatting in, nothing executable out.

Every output is parsed with html.parser and each tag and attribute checked against the
allowlist: no script or style, no event handler, no hx-*/data-hx-* attribute, no link to a
javascript:, data: or vbscript: URL (however it is spelled or encoded).
"""

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.meetings.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, markdown_render

SAFE_SCHEMES = {"http", "https", "mailto"}


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def url_scheme(url: str) -> str:
    """The scheme a browser would see: entities decoded, control characters and spaces gone."""
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(url))
    return urlsplit(cleaned).scheme.lower() if ":" in cleaned.split("/")[0] else ""


def problems(output: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(output)
    inspector.close()
    found = []
    for tag, attrs in inspector.tags:
        if tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
        for name, value in attrs:
            lowered = name.lower()
            if lowered.startswith("on"):
                found.append(f"event handler {name} on <{tag}>")
            if lowered.startswith(("hx-", "data-hx-")) or lowered in ("style", "srcdoc"):
                found.append(f"attribute {name} on <{tag}>")
            allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
            if lowered not in allowed:
                found.append(f"unexpected attribute {name} on <{tag}>")
            if lowered in ("href", "src", "action", "formaction", "xlink:href") and value:
                scheme = url_scheme(value)
                if scheme and scheme not in SAFE_SCHEMES:
                    found.append(f"{scheme}: URL in {name} on <{tag}>")
        if tag == "a" and dict(attrs).get("rel") != "noopener noreferrer":
            found.append("link without rel=noopener noreferrer")
    lowered = output.lower()
    for word in ("<script", "<style", "<iframe", "<object", "<embed", "<svg", "<math", "<img"):
        if word in lowered:
            found.append(f"raw {word}")
    return found


# OWASP XSS filter evasion cheat sheet vectors, htmx-specific ones, and Markdown's own routes.
XSS_CORPUS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script/xss src=https://evil.example/xss.js></script>",
    "<<SCRIPT>alert('XSS');//\\<</SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    # "javascript:alert('XSS')" as decimal entities, then as hexadecimal ones without semicolons
    "<IMG SRC=" + "".join(f"&#{ord(char)};" for char in "javascript:alert('XSS')") + ">",
    "<IMG SRC=" + "".join(f"&#x{ord(char):X}" for char in "javascript:alert('XSS')") + ">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
    "</table></mtext></math>",
    '<math href="javascript:alert(1)">CLICK</math>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="JAVASCRIPT:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background-image: url(javascript:alert(1))">x</div>',
    "<body onload=alert(1)>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<!--<img src=x onerror=alert(1)>-->",
    '<div hx-get="/admin/" hx-trigger="load">x</div>',
    '<button hx-on:click="alert(1)">x</button>',
    '<button hx-on::after-request="alert(1)">x</button>',
    '<p data-hx-post="/meetings/1/adopt/" data-hx-trigger="load">x</p>',
    '<a hx-get="/admin/" hx-trigger="mouseover" href="#">x</a>',
    "<div hx-on::after-request=\"fetch('/admin/')\">x</div>",
    '<span data-hx-on:htmx:load="alert(1)">x</span>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    '[x](https://example.com "title" onclick="alert(1)")',
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '![x](x" onerror="alert(1))',
    "![x](javascript:alert(1))",
    '![x](https://example.com/x.png "onerror=alert(1)")',
    "<javascript:alert(1)>",
    '<https://example.com/" onmouseover="alert(1)>',
    "<mailto:x@example.com?body=<script>alert(1)</script>>",
    "**<script>alert(1)</script>**",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "> <iframe src=javascript:alert(1)>",
    'Text{: onclick="alert(1)" }',
    '# Title {: hx-get="/admin/" }',
    '<div markdown="1" onclick="alert(1)">*x*</div>',
]


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert(1)</script>",
        '<p onclick="alert(1)">x</p>',
        '<a href="javascript:alert(1)" rel="noopener noreferrer">x</a>',
        '<a href=" &#106;avascript:alert(1)" rel="noopener noreferrer">x</a>',
        '<a href="java&#x09;script:alert(1)" rel="noopener noreferrer">x</a>',
        '<a href="DATA:text/html,x" rel="noopener noreferrer">x</a>',
        '<div hx-get="/admin/">x</div>',
        '<p data-hx-post="/x">x</p>',
        '<p style="color:red">x</p>',
        '<a href="https://example.com">no rel</a>',
        "<img src=x>",
    ],
)
def test_the_inspector_catches_what_it_looks_for(unsafe):
    assert problems(unsafe)


def test_it_has_a_corpus_of_at_least_thirty_vectors():
    assert len(XSS_CORPUS) >= 30


@pytest.mark.parametrize("vector", XSS_CORPUS)
def test_it_neutralises_xss_vector(vector):
    output = markdown_render(vector)
    assert problems(output) == [], output


@pytest.mark.parametrize("vector", XSS_CORPUS)
def test_it_neutralises_xss_vector_inside_a_document(vector):
    output = markdown_render(f"# Minutes\n\n- item\n- {vector}\n\nAfter: {vector}\n")
    assert problems(output) == [], output


def test_it_renders_useful_markdown():
    output = markdown_render(
        "# Energy WG\n\n## Decisions\n\n**Agreed**: the *roadmap*.\n\n"
        "1. First\n2. Second\n\n- a\n- b\n\n> quoted\n\n`code`\n\n---\n\n"
        "| Item | Owner |\n|------|-------|\n| Grid | AZ |\n\n"
        '[Charter](https://www.state.gov/charter "The charter") and <https://example.com> '
        "and <office@example.com>\n"
    )
    assert problems(output) == []
    for fragment in (
        "<h2>Energy WG</h2>",
        "<h3>Decisions</h3>",
        "<strong>Agreed</strong>",
        "<em>roadmap</em>",
        "<ol>",
        "<ul>",
        "<blockquote>",
        "<code>code</code>",
        "<hr>",
        "<table>",
        "<td>Grid</td>",
        '<a href="https://www.state.gov/charter" title="The charter" rel="noopener noreferrer">',
        '<a href="https://example.com" rel="noopener noreferrer">',
        'href="mailto:office@example.com"',
    ):
        assert fragment in output, fragment


def test_it_shows_typed_html_as_text():
    output = markdown_render("Use <b>bold</b> & <script>x</script>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in output
    assert "&lt;script&gt;" in output
    assert "<b>" not in output


def test_it_keeps_line_breaks():
    assert "<br>" in markdown_render("line one\nline two")


def test_it_returns_safe_strings():
    assert isinstance(markdown_render("x"), SafeString)
    assert markdown_render("") == ""


def test_it_offers_a_template_filter():
    template = Template("{% load meetings %}{{ text|markdown }}")
    output = template.render(Context({"text": "**hi** <script>alert(1)</script>"}))
    assert "<strong>hi</strong>" in output
    assert "<script>" not in output
    assert Template("{% load meetings %}{{ text|markdown }}").render(Context({"text": None})) == ""


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://meet.example/abc", "https://meet.example/abc"),
        ("http://meet.example/abc", "http://meet.example/abc"),
        ("javascript:alert(1)", ""),
        ("data:text/html,x", ""),
        ("", ""),
        (None, ""),
        ("http://[::1", ""),
    ],
)
def test_it_only_links_web_addresses(url, shown):
    template = Template("{% load meetings %}{{ url|web_link }}")
    assert template.render(Context({"url": url})) == shown


MARKUP = st.sampled_from(
    [
        "<",
        ">",
        "&",
        '"',
        "'",
        "=",
        "/",
        ":",
        "(",
        ")",
        "[",
        "]",
        "!",
        "`",
        "*",
        "#",
        "\n",
        " ",
        "\t",
        "script",
        "javascript",
        "data",
        "vbscript",
        "on",
        "onerror",
        "hx-",
        "data-hx-",
        "hx-on:",
        "style",
        "img",
        "svg",
        "iframe",
        "a href",
        "src",
        "&#106;",
        "&#x6A;",
        "{:",
        "}",
        "|",
        "---",
        ">",
        "    ",
        "```",
        "http://",
        "mailto:",
        "alert(1)",
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(MARKUP, st.text(max_size=8)), max_size=40).map("".join))
def test_it_never_lets_a_forbidden_tag_or_attribute_through(text):
    assert problems(markdown_render(text)) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_it_never_fails_on_any_text(text):
    assert isinstance(markdown_render(text), SafeString)
