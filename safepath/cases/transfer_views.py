"""Proposing a transfer (case page) and deciding on one (receiving supervisor)."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from safepath.accounts.models import Organisation
from safepath.cases import selectors, transfer_services
from safepath.cases.models import CaseTransfer
from safepath.cases.services import CaseInvalid
from safepath.core.decorators import capability_required
from safepath.core.exceptions import NotAllowed
from safepath.core.http import AuthedRequest


class TransferForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_lazy("Transfer to"), queryset=Organisation.objects.none()
    )
    reason = forms.CharField(
        label=_lazy("Why"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, exclude: int | None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["to_organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        others = Organisation.objects.filter(is_active=True)
        field.queryset = others.exclude(pk=exclude) if exclude is not None else others


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_lazy("Decision"),
        choices=(("accept", _lazy("Accept the case")), ("decline", _lazy("Decline"))),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_lazy("Comment (required to decline)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
@capability_required("case.change")
@require_POST
def transfer_request(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = selectors.access_case(actor=request.user, case_id=case_id, purpose="transfer", via="web")
    if not selectors.can_change(request.user, case):
        raise Http404
    form = TransferForm(request.POST, exclude=case.organisation_id)
    if not form.is_valid():
        messages.error(request, _("Choose the organisation and say why."))
        return redirect(case.get_absolute_url())
    try:
        transfer_services.transfer_request(
            actor=request.user,
            case=case,
            to_organisation=form.cleaned_data["to_organisation"],
            reason=form.cleaned_data["reason"],
        )
    except CaseInvalid as exc:
        for problem in exc.errors:
            messages.error(request, problem.detail)
    else:
        messages.success(request, _("Transfer proposed: the receiving organisation decides."))
    return redirect(case.get_absolute_url())


def _transfer_to_decide(request: AuthedRequest, transfer_id: uuid.UUID) -> CaseTransfer:
    transfer = (
        CaseTransfer.objects.filter(public_id=transfer_id)
        .select_related("case", "case__person", "from_organisation", "to_organisation")
        .first()
    )
    if transfer is None or not transfer_services.may_decide(request.user, transfer):
        raise Http404
    return transfer


@login_required
@capability_required("case.assign")
@require_http_methods(["GET", "POST"])
def transfer_decide(request: AuthedRequest, transfer_id: uuid.UUID) -> HttpResponse:
    transfer = _transfer_to_decide(request, transfer_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            transfer_services.transfer_decide(
                actor=request.user,
                transfer=transfer,
                accept=accept,
                comment=form.cleaned_data["comment"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except CaseInvalid as exc:
            for problem in exc.errors:
                form.add_error("comment", problem.detail)
        else:
            if accept:
                messages.success(request, _("Case accepted: it is now your organisation's."))
                return redirect(transfer.case.get_absolute_url())
            messages.success(request, _("Transfer declined."))
            return redirect("cases:my_work")
    return render(request, "cases/transfers/decide.html", {"transfer": transfer, "form": form})
