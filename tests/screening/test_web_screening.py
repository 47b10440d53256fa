"""The web screening, step by step: consent first in the interview language, the adult
and child paths, "don't know", drafts that survive leaving, the result page, and who may
do what (a draft is its author's; everyone else gets 404 and nothing is written)."""

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from safepath.people import services as people_services
from safepath.people.models import Consent, Person
from safepath.screening.indicators import builtin_registry
from safepath.screening.interview_texts import TEXT_VERSION
from safepath.screening.models import Screening, ScreeningDraft
from tests.conftest import Cast

START = "/en/app/screenings/new/"
# Adult: deceptive recruitment (2 strong) + exploitation (2 strong) + coercion at
# destination (2 strong): trafficking indicated.
INDICATED = {
    "DR": ["AL-DR-01", "AL-DR-02"],
    "EX": ["AL-EX-01", "AL-EX-02"],
    "CD": ["AL-CD-01", "AL-CD-02"],
}


def _step(draft: ScreeningDraft, step: str, language: str = "en") -> str:
    return f"/{language}/app/screenings/drafts/{draft.public_id}/{step}/"


def _only_draft(user: User) -> ScreeningDraft:
    return ScreeningDraft.objects.get(created_by=user)


def _dimension_answers(
    catalogue: str, dimension: str, yes: list[str], **extra: str
) -> dict[str, str]:
    codes = [
        code
        for code, indicator in builtin_registry().get(catalogue).indicators.items()
        if indicator.dimension == dimension
    ]
    answers = {f"indicator_{code}": "no" for code in codes}
    answers.update({f"indicator_{code}": "yes" for code in yes})
    answers.update(extra)
    return answers


def _walk_dimensions(
    client: Client, draft: ScreeningDraft, catalogue: str, yes: dict[str, list[str]], **extra: str
) -> None:
    for dimension in ("DR", "CR", "AV", "EX", "CD", "VD"):
        answers = _dimension_answers(catalogue, dimension, yes.get(dimension, []))
        answers.update(
            {k: v for k, v in extra.items() if k.startswith(f"indicator_{catalogue}-{dimension}-")}
        )
        response = client.post(_step(draft, dimension), answers)
        assert response.status_code == 302, response.content.decode()[:2000]


def test_anonymous_adult_screening_end_to_end(cast: Cast, login: Any) -> None:
    client = login(cast.caseworker_a)
    response = client.post(START, {"interview_language": "uk"})
    draft = _only_draft(cast.caseworker_a)
    # Anonymous: no consent step, straight to where and who.
    assert response["Location"] == _step(draft, "where")
    assert client.get(_step(draft, "consent")).status_code == 404

    response = client.post(
        _step(draft, "where"),
        {"site_type": "border_crossing", "voivodeship": "06", "age": "18_or_over"},
    )
    assert response["Location"] == _step(draft, "DR")
    assert client.get(_step(draft, "act")).status_code == 404  # adults have no act step

    page = client.get(_step(draft, "DR")).content.decode()
    # The question in the interview language, with the interface's translation under it.
    assert 'lang="uk"' in page
    assert "Робота, місце роботи чи роботодавець виявилися не такими" in page
    assert "AL-DR-01" in page  # the catalogue label, one click away

    _walk_dimensions(client, draft, "AL", INDICATED, **{"indicator_AL-VD-01": "dont_know"})
    response = client.post(
        _step(draft, "needs"), {"factors": ["travelling_alone"], "needs": ["shelter"]}
    )
    assert response["Location"] == _step(draft, "review")
    review = client.get(_step(draft, "review")).content.decode()
    assert "AL-EX-01" in review

    response = client.post(_step(draft, "review"), {})
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(f"/en/app/screenings/{screening.public_id}/")
    assert screening.person is None
    assert screening.consent is None
    assert screening.catalogue == "AL"
    assert screening.population == "adult"
    assert screening.indicators == sorted(c for codes in INDICATED.values() for c in codes)
    assert screening.indicators_unknown == ["AL-VD-01"]
    assert screening.result["trafficking_indicated"] is True
    assert screening.interview_language == "uk"
    assert (screening.site_type, screening.voivodeship) == ("border_crossing", "06")
    assert screening.factors == ["travelling_alone"]
    assert screening.needs == ["shelter"]
    assert not ScreeningDraft.objects.exists()

    result = client.get(response["Location"]).content.decode()
    assert "Possible victim of trafficking" in result
    assert "nobody has verified them" in result
    assert "AL-VD-01" in result  # answered "don't know", shown as such
    assert AuditEvent.objects.filter(
        action="screening.viewed", object_id=str(screening.public_id)
    ).exists()


def test_person_screening_asks_consent_first_in_the_interview_language(
    cast: Cast, person_a: Person, login: Any
) -> None:
    client = login(cast.caseworker_a)
    # A Polish interface, a Ukrainian interview.
    response = client.post(
        f"/pl/app/screenings/new/?person={person_a.public_id}",
        {"interview_language": "uk", "person": str(person_a.public_id)},
    )
    draft = _only_draft(cast.caseworker_a)
    assert draft.person == person_a
    assert response["Location"] == _step(draft, "consent", "pl")
    # No question before the consent decision.
    assert client.get(_step(draft, "where")).status_code == 302

    page = client.get(_step(draft, "consent", "pl")).content.decode()
    assert 'lang="uk"' in page
    assert "Чи згодні ви, щоб ми записали ваші відповіді з вашим ім" in page
    assert "Przeczytaj to osobie" in page  # the interface stays Polish

    client.post(_step(draft, "consent"), {"decision": "yes", "method": "oral_witnessed"})
    consent = Consent.objects.get(person=person_a)
    assert consent.given
    assert consent.purpose == "data_processing"
    assert (consent.language, consent.text_version) == ("uk", TEXT_VERSION)

    client.post(
        _step(draft, "where"),
        {"site_type": "collective_shelter", "voivodeship": "14", "age": "18_or_over"},
    )
    _walk_dimensions(client, draft, "AL", {})
    client.post(_step(draft, "needs"), {})
    client.post(_step(draft, "review"), {})
    screening = Screening.objects.get()
    assert screening.person == person_a
    assert screening.consent == consent
    assert screening.result["trafficking_indicated"] is False


def test_refused_consent_is_recorded_and_the_screening_goes_on_anonymously(
    cast: Cast, person_a: Person, login: Any
) -> None:
    client = login(cast.caseworker_a)
    client.post(START, {"interview_language": "ru", "person": str(person_a.public_id)})
    draft = _only_draft(cast.caseworker_a)
    response = client.post(_step(draft, "consent"), {"decision": "no", "method": "oral_witnessed"})
    draft.refresh_from_db()
    assert response["Location"] == _step(draft, "where")
    assert draft.person is None
    refusal = Consent.objects.get(person=person_a)
    assert refusal.given is False
    assert refusal.language == "ru"

    client.post(_step(draft, "where"), {"site_type": "info_line", "age": "18_or_over"})
    _walk_dimensions(client, draft, "AL", INDICATED)
    client.post(_step(draft, "needs"), {})
    client.post(_step(draft, "review"), {})
    screening = Screening.objects.get()
    assert screening.person is None
    assert screening.consent is None


@pytest.mark.parametrize("age", ["under_18", "not_known"])
def test_a_child_or_a_person_who_may_be_one_takes_the_child_path(
    cast: Cast, login: Any, age: str
) -> None:
    client = login(cast.caseworker_a)
    client.post(START, {"interview_language": "pl"})
    draft = _only_draft(cast.caseworker_a)
    response = client.post(_step(draft, "where"), {"site_type": "reception_point", "age": age})
    assert response["Location"] == _step(draft, "act")
    client.post(_step(draft, "act"), {"act": "yes"})
    _walk_dimensions(client, draft, "CL", {"EX": ["CL-EX-01", "CL-EX-02"]})
    client.post(_step(draft, "needs"), {"factors": ["child", "unaccompanied_child"]})
    client.post(_step(draft, "review"), {})
    screening = Screening.objects.get()
    assert (screening.catalogue, screening.population, screening.act) == ("CL", "child", True)
    assert screening.result["trafficking_indicated"] is True
    assert screening.priority == "urgent"
    assert "child_protection_referral" in screening.flags


def test_a_changed_age_drops_the_other_paths_answers(cast: Cast, login: Any) -> None:
    client = login(cast.caseworker_a)
    client.post(START, {"interview_language": "en"})
    draft = _only_draft(cast.caseworker_a)
    client.post(_step(draft, "where"), {"site_type": "outreach", "age": "18_or_over"})
    client.post(_step(draft, "DR"), _dimension_answers("AL", "DR", ["AL-DR-01"]))
    client.post(_step(draft, "where"), {"site_type": "outreach", "age": "under_18"})
    draft.refresh_from_db()
    assert draft.answers["catalogue"] == "CL"
    assert "indicators" not in draft.answers
    assert draft.steps_done == ["start", "where"]


def test_no_skipping_ahead(cast: Cast, login: Any) -> None:
    client = login(cast.caseworker_a)
    client.post(START, {"interview_language": "en"})
    draft = _only_draft(cast.caseworker_a)
    client.post(_step(draft, "where"), {"site_type": "outreach", "age": "18_or_over"})
    response = client.get(_step(draft, "review"))
    assert response["Location"] == _step(draft, "DR")
    response = client.post(_step(draft, "review"), {})
    assert response["Location"] == _step(draft, "DR")
    assert not Screening.objects.exists()
    assert client.get(_step(draft, "nonsense")).status_code == 404


def test_a_draft_survives_leaving_and_resumes_where_it_stopped(cast: Cast, login: Any) -> None:
    client = login(cast.caseworker_a)
    client.post(START, {"interview_language": "uk"})
    draft = _only_draft(cast.caseworker_a)
    client.post(_step(draft, "where"), {"site_type": "transit_point", "age": "18_or_over"})
    client.post(_step(draft, "DR"), _dimension_answers("AL", "DR", ["AL-DR-03"]))
    client.logout()

    client = login(cast.caseworker_a)
    listing = client.get("/en/app/screenings/").content.decode()
    assert f"/en/app/screenings/drafts/{draft.public_id}/" in listing
    response = client.get(f"/en/app/screenings/drafts/{draft.public_id}/")
    assert response["Location"] == _step(draft, "CR")
    page = client.get(_step(draft, "DR")).content.decode()
    # The saved answers are shown again, exactly.
    checked = re.findall(r'<input type="radio" name="([^"]+)" value="([^"]+)"[^>]*\bchecked', page)
    assert dict(checked) == _dimension_answers("AL", "DR", ["AL-DR-03"])


def test_bad_answers_are_named_and_nothing_is_saved(cast: Cast, login: Any) -> None:
    client = login(cast.caseworker_a)
    response = client.post(START, {"interview_language": "xx"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not ScreeningDraft.objects.exists()

    client.post(START, {"interview_language": "en"})
    draft = _only_draft(cast.caseworker_a)
    response = client.post(_step(draft, "where"), {"voivodeship": "99", "age": "maybe"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing on this page has been saved yet" in page
    assert page.count('class="error"') >= 3
    draft.refresh_from_db()
    assert draft.answers == {}
    assert draft.steps_done == ["start"]

    client.post(_step(draft, "where"), {"site_type": "outreach", "age": "18_or_over"})
    response = client.post(_step(draft, "DR"), {"indicator_AL-DR-01": "perhaps"})
    assert response.status_code == 200
    draft.refresh_from_db()
    assert "indicators" not in draft.answers
    assert "DR" not in draft.steps_done


def test_another_users_draft_is_404_and_stays_untouched(cast: Cast, login: Any) -> None:
    client = login(cast.caseworker_a)
    client.post(START, {"interview_language": "en"})
    draft = _only_draft(cast.caseworker_a)
    client.post(_step(draft, "where"), {"site_type": "outreach", "age": "18_or_over"})
    before = (draft.answers, draft.steps_done)
    draft.refresh_from_db()
    before = (draft.answers, draft.steps_done)

    # A colleague of the same team, a supervisor, and an outsider: a draft is its author's.
    for other in (cast.caseworker_a2, cast.supervisor_a, cast.caseworker_b):
        client = login(other)
        assert client.get(_step(draft, "DR")).status_code == 404
        assert (
            client.post(
                _step(draft, "where"), {"site_type": "other", "age": "under_18"}
            ).status_code
            == 404
        )
        assert client.get(f"/en/app/screenings/drafts/{draft.public_id}/").status_code == 404
        assert (
            client.post(f"/en/app/screenings/drafts/{draft.public_id}/discard/").status_code == 404
        )
        assert client.post(_step(draft, "review"), {}).status_code == 404
    draft.refresh_from_db()
    assert (draft.answers, draft.steps_done) == before
    assert not Screening.objects.exists()


def test_the_author_can_discard_a_draft(cast: Cast, login: Any) -> None:
    client = login(cast.caseworker_a)
    client.post(START, {"interview_language": "en"})
    draft = _only_draft(cast.caseworker_a)
    response = client.post(f"/en/app/screenings/drafts/{draft.public_id}/discard/")
    assert response.status_code == 302
    assert not ScreeningDraft.objects.exists()


def test_roles_that_may_not_screen_get_404_and_nothing_is_written(cast: Cast, login: Any) -> None:
    author = login(cast.caseworker_a)
    author.post(START, {"interview_language": "en"})
    draft = _only_draft(cast.caseworker_a)
    draft_urls = [
        f"/en/app/screenings/drafts/{draft.public_id}/",
        f"/en/app/screenings/drafts/{draft.public_id}/discard/",
        _step(draft, "where"),
        _step(draft, "review"),
    ]
    for user in (cast.analyst, cast.partner, cast.trainer, cast.admin):
        client = login(user)
        assert client.get(START).status_code == 404
        assert client.post(START, {"interview_language": "en"}).status_code == 404
        for url in draft_urls:
            assert client.get(url).status_code == 404
            assert client.post(url, {"site_type": "other", "age": "under_18"}).status_code == 404
    assert list(ScreeningDraft.objects.all()) == [draft]
    draft.refresh_from_db()
    assert draft.answers == {}
    assert draft.steps_done == ["start"]
    assert not Screening.objects.exists()


def test_screening_a_person_out_of_reach_is_404_and_starts_nothing(
    cast: Cast, person_a: Person, login: Any
) -> None:
    for user in (cast.caseworker_b, cast.caseworker_a_other_team):
        client = login(user)
        url = f"{START}?person={person_a.public_id}"
        assert client.get(url).status_code == 404
        assert (
            client.post(
                url, {"interview_language": "en", "person": str(person_a.public_id)}
            ).status_code
            == 404
        )
    assert not ScreeningDraft.objects.exists()
    assert not Consent.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, cast: Cast) -> None:
    for url in (START, "/en/app/screenings/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert client.post(START, {"interview_language": "en"}).status_code == 302
    assert not ScreeningDraft.objects.exists()


def test_a_consent_withdrawn_before_saving_keeps_the_draft_and_says_why(
    cast: Cast, person_a: Person, login: Any
) -> None:
    client = login(cast.caseworker_a)
    client.post(START, {"interview_language": "uk", "person": str(person_a.public_id)})
    draft = _only_draft(cast.caseworker_a)
    client.post(_step(draft, "consent"), {"decision": "yes", "method": "oral_witnessed"})
    client.post(_step(draft, "where"), {"site_type": "outreach", "age": "18_or_over"})
    _walk_dimensions(client, draft, "AL", {})
    client.post(_step(draft, "needs"), {})
    # Meanwhile, a colleague records the person's withdrawal of consent.
    people_services.consent_record(
        actor=cast.caseworker_a2,
        person=person_a,
        purpose="data_processing",
        given=False,
        method="written",
        date=timezone.localdate(),
    )
    response = client.post(_step(draft, "review"), {})
    assert response.status_code == 200
    assert "needs their consent" in response.content.decode()
    assert not Screening.objects.exists()
    assert ScreeningDraft.objects.filter(pk=draft.pk).exists()
