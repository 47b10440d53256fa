"""django-allauth adapter: no self sign-up, language-aware redirect after login."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        language = getattr(request.user, "language", "") or translation.get_language()
        with translation.override(language):
            return reverse("core:dashboard")
