"""`safepath makemessages`: Django's, also extracting `_lazy(...)` (our gettext_lazy alias).

DESIGN.md §4 imports `gettext_lazy as _lazy`; xgettext knows `gettext_lazy` but not
the alias, so without this keyword every lazy string (model fields, choices, form
labels) would silently stay out of the catalogues. See docs/i18n.md.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
