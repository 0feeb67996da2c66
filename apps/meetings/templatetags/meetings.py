"""Template filters for meetings: ``{{ text|markdown }}``, ``{{ url|web_link }}`` and
``{{ row.status|status_tag_class }}`` (the kit's tag colour for an attendance or action status)."""

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


#: The kit's tag colour for each attendance and action-item status (others: grey).
STATUS_TAG_CLASSES = {
    "present": "tag--green",
    "apologies": "tag--yellow",
    "absent": "tag--red",
    "open": "tag--blue",
    "done": "tag--green",
}


@register.filter
def status_tag_class(status) -> str:
    return STATUS_TAG_CLASSES.get(str(status), "tag--grey")
