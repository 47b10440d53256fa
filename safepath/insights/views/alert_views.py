"""The alerts pages: the list (open first, filter by status), one alert with its reason
and the weekly figures of its series, acknowledge and comment (POST). Everything needs
`insights.view`; an alert of another organisation is a 404 like a missing one, and a
refused or invalid request writes nothing."""

import uuid
from typing import Final

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from safepath.core.decorators import capability_required
from safepath.core.http import AuthedRequest
from safepath.core.pagination import CappedPaginator
from safepath.insights import alert_selectors, alert_services
from safepath.insights.models import Alert
from safepath.insights.models.alerts import MAX_COMMENT, AlertStatus

PAGE_SIZE: Final = 50


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_lazy("Status"),
        required=False,
        choices=[("", _lazy("All")), *AlertStatus.choices],
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_lazy("Comment"),
        max_length=MAX_COMMENT,
        help_text=_lazy("About the trend only: do not write about a person."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
@capability_required("insights.view")
@require_GET
def alert_list(request: AuthedRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "insights/alerts.html",
            {"form": form, "page": None, "show_organisation": False},
            status=400,
        )
    status = form.cleaned_data["status"]
    alerts = alert_selectors.alert_list(request.user, status)
    page = CappedPaginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/alerts.html",
        {
            "form": form,
            "page": page,
            "status": status,
            "show_organisation": alert_selectors.sees_every_organisation(request.user),
        },
    )


def _detail(
    request: AuthedRequest, alert: Alert, comment_form: CommentForm, status: int = 200
) -> HttpResponse:
    figures, minimum = alert_selectors.weekly_figures(alert)
    return render(
        request,
        "insights/alert.html",
        {
            "alert": alert,
            "figures": figures,
            "minimum": minimum,
            "comments": alert_selectors.comments_of(alert),
            "comment_form": comment_form,
            "show_organisation": alert_selectors.sees_every_organisation(request.user),
        },
        status=status,
    )


@login_required
@capability_required("insights.view")
@require_GET
def alert_detail(request: AuthedRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = alert_selectors.access_alert(actor=request.user, alert_id=alert_id)
    return _detail(request, alert, CommentForm())


@login_required
@capability_required("insights.view")
@require_POST
def alert_acknowledge(request: AuthedRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = alert_selectors.access_alert(actor=request.user, alert_id=alert_id)
    alert_services.alert_acknowledge(actor=request.user, alert=alert)
    messages.success(request, _("Alert acknowledged."))
    return redirect(reverse("insights:alert", args=[alert.public_id]))


@login_required
@capability_required("insights.view")
@require_POST
def alert_comment(request: AuthedRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = alert_selectors.access_alert(actor=request.user, alert_id=alert_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            alert_services.alert_comment(
                actor=request.user, alert=alert, text=form.cleaned_data["text"]
            )
        except alert_services.AlertInvalid as exc:
            form.add_error("text", str(exc))
        else:
            messages.success(request, _("Comment added."))
            return redirect(reverse("insights:alert", args=[alert.public_id]))
    return _detail(request, alert, form, status=400)
