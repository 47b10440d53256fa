"""Indicator catalogues for administrators: the versions in use, and loading a new one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from safepath.core.decorators import capability_required
from safepath.core.http import AuthedRequest
from safepath.screening import catalogue_services
from safepath.screening.catalogues import registry
from safepath.screening.models import CatalogueVersion


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(label=_lazy("Catalogue file (CSV, UTF-8)"))
    code = forms.CharField(
        label=_lazy("Catalogue code"),
        max_length=16,
        help_text=_lazy("For example AL, CL, or a new code for a new list."),
    )
    version = forms.CharField(
        label=_lazy("Version"), max_length=32, help_text=_lazy("For example 2026-01.")
    )
    provenance = forms.CharField(
        label=_lazy("Provenance"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("Where the indicators come from, and who checked them."),
    )


@login_required
@capability_required("catalogue.manage")
@require_http_methods(["GET", "POST"])
def catalogue_list(request: AuthedRequest) -> HttpResponse:
    form = CatalogueUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            loaded = catalogue_services.catalogue_load(
                actor=request.user,
                content=upload.read(catalogue_services.MAX_BYTES + 1),
                file_name=upload.name,
                code=form.cleaned_data["code"],
                version=form.cleaned_data["version"],
                provenance=form.cleaned_data["provenance"],
            )
        except catalogue_services.CatalogueRejected as exc:
            problems = [str(problem) for problem in exc.problems] or [str(exc)]
        else:
            values = {
                "code": loaded.catalogue.code,
                "version": loaded.catalogue.version,
                "count": len(loaded.catalogue.indicators),
            }
            if loaded.created:
                messages.success(
                    request,
                    _(
                        "Catalogue %(code)s version %(version)s loaded: %(count)d "
                        "indicators. New screenings use it now."
                    )
                    % values,
                )
            else:
                messages.info(
                    request,
                    _("Catalogue %(code)s version %(version)s was already loaded.") % values,
                )
            return redirect("screening:catalogues")
    current = registry()
    loaded_versions = {(v.code, v.version): v for v in CatalogueVersion.objects.all()}
    rows = []
    for code in current.codes():
        versions = current.versions(code)
        for version in versions:
            catalogue = current.get(code, version)
            rows.append(
                {
                    "catalogue": catalogue,
                    "count": len(catalogue.indicators),
                    "current": version == versions[-1],
                    "loaded": loaded_versions.get((code, version)),
                }
            )
    return render(
        request,
        "screening/catalogue_list.html",
        {"form": form, "rows": rows, "problems": problems},
    )
