"""A request type whose user is known to be a signed-in staff member."""

from django.http import HttpRequest

from safepath.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
