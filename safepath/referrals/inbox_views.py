"""The notifications pages: the user's own inbox, and opening one notification."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safepath.core.http import AuthedRequest
from safepath.referrals import inbox


@login_required
@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "referrals/notifications.html",
        {"notifications": inbox.lines(request.user)},
    )


@login_required
@require_GET
def notification_open(request: AuthedRequest, notification_id: uuid.UUID) -> HttpResponse:
    """Mark the notification read and go to what it is about (a path of this site)."""
    notification = inbox.access_notification(actor=request.user, notification_id=notification_id)
    inbox.mark_read(actor=request.user, notification=notification)
    return HttpResponseRedirect(inbox.safe_url(notification.url))
