"""Template filters for meetings: ``{{ text|markdown }}`` and ``{{ url|web_link }}``."""

from urllib.parse import urlsplit

from django import template
from django.utils.safestring import SafeString

from apps.meetings.markdown import markdown_render

register = template.Library()


@register.filter(name="markdown", is_safe=True)
def markdown_filter(text) -> SafeString:
    """Markdown rendered and sanitised (see apps.meetings.markdown)."""
    return markdown_render("" if text is None else str(text))


@register.filter
def web_link(url) -> str:
    """The URL if it is an http(s) address, else "" (never a javascript: or data: link)."""
    url = "" if url is None else str(url).strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in ("http", "https") else ""
