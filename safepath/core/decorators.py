"""View decorators shared by the apps."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404
from django.http.response import HttpResponseBase

from safepath.accounts import policies
from safepath.core.http import AuthedRequest

type View = Callable[..., HttpResponseBase]


def capability_required(capability: str) -> Callable[[View], View]:
    """404 unless the user holds `capability`; checked before the HTTP method, so
    to everyone without it the page does not exist, whatever the method."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not policies.can(request.user, capability):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
