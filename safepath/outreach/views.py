"""The public site: no login, no cookies beyond what is strictly necessary, nothing stored."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from safepath.directory import hours, search
from safepath.directory.forms_public import FIELDS, FindHelpForm, spoken_languages


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/home.html")


@require_safe
def find_help(request: HttpRequest) -> HttpResponse:
    """Search the directory's public services. A GET form, read and forgotten: the
    search is in the URL only (never in a cookie, a session, the database or a log)."""
    searched = any(name in request.GET for name in FIELDS)
    form = FindHelpForm(request.GET if searched else None, languages=spoken_languages())
    context: dict[str, object] = {"form": form, "searched": searched, "cities": []}
    status = 200
    if searched and not form.is_valid():
        status = 400
    elif searched:
        criteria = form.criteria()
        moment = hours.current_time()
        services = search.with_details(search.search(criteria, at=moment))
        page = Paginator(services, search.PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            show_results=True,
            criteria=criteria,
            page=page,
            results=search.present(page.object_list, at=moment),
            query=query.urlencode(),
        )
    context["cities"] = search.known_cities()
    response = render(request, "outreach/find_help.html", context, status=status)
    # The page names what was searched for: no copy in a shared or a browser cache.
    add_never_cache_headers(response)
    return response
