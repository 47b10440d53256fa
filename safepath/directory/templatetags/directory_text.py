"""`{{ service.name|tr }}`: a directory text in the reader's language, or visibly in
another one: wrapped in `lang` (screen readers switch voice) and followed by
"(in Polish)" when it is not the reader's language."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from safepath.directory.i18n import pick

register = template.Library()


def _in_language(code: str) -> str:
    names = {
        "en": _("in English"),
        "pl": _("in Polish"),
        "uk": _("in Ukrainian"),
        "ru": _("in Russian"),
    }
    return names.get(code, code)


@register.filter
def tr(value: Any) -> SafeString | str:
    shown = pick(value)
    if not shown.text:
        return ""
    if not shown.fallback:
        return shown.text
    return format_html(
        '<span lang="{}">{}</span> <span class="muted">({})</span>',
        shown.language,
        shown.text,
        _in_language(shown.language),
    )


@register.filter
def tr_plain(value: Any) -> str:
    """Only the text, for attributes and titles."""
    return pick(value).text
