from django import forms
from django.utils.translation import gettext_lazy as _lazy


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_lazy("User"), required=False, max_length=150)
    action = forms.CharField(label=_lazy("Action"), required=False, max_length=64)
    object_id = forms.CharField(label=_lazy("Object id"), required=False, max_length=64)
    since = forms.DateField(
        label=_lazy("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_lazy("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
