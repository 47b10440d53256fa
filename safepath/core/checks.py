"""Deployment checks of safepath's own settings, run by `safepath check --deploy`.

settings.py already refuses missing and demo secrets in production; these
catch values that are present but unusable, which would otherwise surface
only at the first request or the first encrypted write.
"""

from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet
from django.apps import AppConfig
from django.conf import settings
from django.core import checks

MIN_BLIND_INDEX_KEY_LENGTH = 32


@checks.register(checks.Tags.security, deploy=True)
def check_deployment_secrets(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    if not settings.ALLOWED_HOSTS:
        problems.append(
            checks.Warning(
                "ALLOWED_HOSTS is empty: every request would be refused.",
                hint="Set ALLOWED_HOSTS to the site's host name, e.g. safepath.example.org.",
                id="safepath.W001",
            )
        )
    for position, key in enumerate(settings.SAFEPATH_FIELD_KEYS, start=1):
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, UnicodeError):
            # Never echo the key itself.
            problems.append(
                checks.Error(
                    f"SAFEPATH_FIELD_KEYS entry {position} is not a Fernet key.",
                    hint="Generate one with: python -c 'from cryptography.fernet import "
                    "Fernet; print(Fernet.generate_key().decode())'",
                    id="safepath.E001",
                )
            )
    if len(settings.SAFEPATH_BLIND_INDEX_KEY) < MIN_BLIND_INDEX_KEY_LENGTH:
        problems.append(
            checks.Warning(
                "SAFEPATH_BLIND_INDEX_KEY is shorter than "
                f"{MIN_BLIND_INDEX_KEY_LENGTH} characters.",
                hint="Use a long random value, e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'",
                id="safepath.W002",
            )
        )
    return problems
