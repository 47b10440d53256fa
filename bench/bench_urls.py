"""safepath's URLconf plus `bench/bare/`: the floor every figure is compared with.

The bare view goes through the same middleware stack in the same server
process as the real pages, but does no database work and renders nothing:
what an endpoint costs above it is what safepath itself adds.
"""

from typing import cast

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path

from safepath import urls as safepath_urls


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/bare/", bare, name="bench_bare"),
    # Spliced in, not include()d: i18n_patterns only work in the root URLconf.
    *cast(list[URLPattern | URLResolver], safepath_urls.urlpatterns),
]

handler400 = safepath_urls.handler400
handler403 = safepath_urls.handler403
handler404 = safepath_urls.handler404
handler500 = safepath_urls.handler500
