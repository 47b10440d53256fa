"""Notifications: a line in the user's inbox in the app and, when they have an e-mail
address, an e-mail with a link to it. Neither holds personal data: the inbox line is
a code (`kind`) and codes (`detail`) rendered in the reader's language, and the e-mail
says only that something is waiting, with the link (issue 5 §4).

`notify` is called by services inside their transaction; the e-mail is sent once it
commits, so a rolled-back action e-mails nobody.
"""

import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from safepath.accounts.models import User
from safepath.referrals.models import Notification

logger = logging.getLogger(__name__)


def notify(*, user: User, kind: str, url: str, detail: dict[str, Any] | None = None) -> None:
    """Add a notification for `user` (an active user only) linking to `url`, a path of
    the web app without personal data, and e-mail them the link."""
    if not user.is_active:
        return
    Notification.objects.create(
        public_id=uuid.uuid4(), user=user, kind=kind, url=url, detail=detail or {}
    )
    if user.email:
        address, language = user.email, user.language or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: _email(address, language, url))


def _email(address: str, language: str, url: str) -> None:
    with translation.override(language):
        subject = _("safepath: something is waiting for you")
        body = _(
            "Something in safepath is waiting for you. Sign in to see it:\n\n%(link)s\n\n"
            "This e-mail holds no details on purpose."
        ) % {"link": settings.SAFEPATH_BASE_URL + url}
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except OSError as exc:  # the inbox line is there; the e-mail is a courtesy
        logger.error("notification e-mail not sent: %s", type(exc).__name__)
