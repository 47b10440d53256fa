"""People pages. Thin: fetch through access_person, validate, call one service, render."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepath.accounts import policies
from safepath.cases import selectors as case_selectors
from safepath.core.decorators import capability_required
from safepath.core.exceptions import ConflictError, NotAllowed
from safepath.core.http import AuthedRequest
from safepath.core.pagination import CappedPaginator
from safepath.people import events, selectors, services
from safepath.people.forms import ConsentForm, PersonForm, PersonSearchForm
from safepath.people.models import WG_DOMAINS, Person
from safepath.screening import selectors as screening_selectors

PAGE_SIZE = 50


@login_required
@capability_required("person.view")
def person_list(request: AuthedRequest) -> HttpResponse:
    people = selectors.visible_people(request.user).select_related("organisation", "team")
    page = CappedPaginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(p, selectors.can_see_identity(request.user, p)) for p in page.object_list]
    events.people_listed(actor=request.user, count=len(rows), via="web", filters=[])
    return render(
        request,
        "people/person_list.html",
        {
            "page": page,
            "rows": rows,
            "search_form": PersonSearchForm(),
            "can_create": policies.can(request.user, "person.create"),
        },
    )


@login_required
@capability_required("person.view")
@require_POST
def person_search(request: AuthedRequest) -> HttpResponse:
    """Search is a POST so that names and phones never appear in a URL or a log."""
    form = PersonSearchForm(request.POST)
    results: list[tuple[Person, bool]] = []
    if form.is_valid():
        query = form.cleaned_data["query"].strip()
        if query.upper().startswith("SP-"):
            found = selectors.search_people(request.user, code=query, via="web")
        elif not any(character.isalpha() for character in query):
            # No letters: a phone number, however it is written (+48 601-234-567, (601) 234 567).
            found = selectors.search_people(request.user, phone=query, via="web")
        else:
            found = selectors.search_people(request.user, full_name=query, via="web")
        results = [(p, selectors.can_see_identity(request.user, p)) for p in found[:PAGE_SIZE]]
    return render(
        request,
        "people/person_search.html",
        {"search_form": form, "rows": results, "searched": form.is_valid()},
    )


@login_required
@capability_required("person.create")
@require_http_methods(["GET", "POST"])
def person_create(request: AuthedRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.person_create(actor=request.user, data=form.cleaned_data, via="web")
        messages.success(request, _("Person %(code)s registered.") % {"code": person.code})
        return redirect(person.get_absolute_url())
    return render(request, "people/person_form.html", {"form": form, "person": None})


@login_required
def person_detail(request: AuthedRequest, person_id: uuid.UUID) -> HttpResponse:
    person = selectors.access_person(
        actor=request.user, person_id=person_id, purpose="case_work", via="web"
    )
    show_identity = selectors.can_see_identity(request.user, person)
    wg = [(label, getattr(person, f"get_{name}_display")()) for name, label in WG_DOMAINS]
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "show_identity": show_identity,
            "can_change": selectors.can_change(request.user, person),
            "can_record_consent": policies.in_scope(request.user, "consent.record", person),
            "consents": selectors.consents_of(person),
            "can_screen": policies.can(request.user, "screening.create")
            and policies.in_scope(request.user, "consent.record", person),
            "screenings": screening_selectors.visible_screenings(request.user).filter(
                person=person
            )[:20],
            "cases": (cases := case_selectors.visible_cases(request.user).filter(person=person)),
            "can_open_case": policies.can(request.user, "case.create")
            and not any(not case.is_closed for case in cases),
            "wg": wg,
        },
    )


@login_required
# Before the door: a role that may never change people must not leave a "viewed" event.
@capability_required("person.change")
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthedRequest, person_id: uuid.UUID) -> HttpResponse:
    person = selectors.access_person(
        actor=request.user, person_id=person_id, purpose="edit", via="web"
    )
    if not selectors.can_change(request.user, person):
        raise Http404
    show_identity = selectors.can_see_identity(request.user, person)
    form = PersonForm(
        request.POST or None,
        instance=None,
        initial={**_initial(person), "version": person.version},
        show_identity=show_identity,
    )
    # Without the version read, optimistic locking would be skipped: an edit must send it.
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.person_update(
                actor=request.user,
                person=person,
                data=data,
                expected_version=form.cleaned_data.get("version"),
                via="web",
            )
        except ConflictError:
            messages.error(
                request,
                _(
                    "Someone else changed this record while you were editing. "
                    "Your changes were not saved; here is the current version."
                ),
            )
            return redirect(person.get_absolute_url())
        except NotAllowed as exc:
            raise Http404 from exc
        messages.success(request, _("Changes saved."))
        return redirect(person.get_absolute_url())
    return render(request, "people/person_form.html", {"form": form, "person": person})


def _initial(person: Person) -> dict[str, object]:
    return {name: getattr(person, name) for name in PersonForm.Meta.fields}


@login_required
@capability_required("consent.record")
@require_http_methods(["GET", "POST"])
def consent_create(request: AuthedRequest, person_id: uuid.UUID) -> HttpResponse:
    person = selectors.access_person(
        actor=request.user, person_id=person_id, purpose="consent", via="web"
    )
    if not policies.in_scope(request.user, "consent.record", person):
        raise Http404
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.consent_record(actor=request.user, person=person, **form.cleaned_data)
        messages.success(request, _("Consent decision recorded."))
        return redirect(person.get_absolute_url())
    return render(request, "people/consent_form.html", {"form": form, "person": person})
