"""The API's spelled-out choice literals match the model choices exactly."""

import typing

import pytest

from safepath.people.schemas import CHOICE_LITERALS


@pytest.mark.parametrize("choices", list(CHOICE_LITERALS), ids=lambda c: c.__name__)
def test_api_literal_matches_model_choices(choices: typing.Any) -> None:
    assert set(typing.get_args(CHOICE_LITERALS[choices])) == set(choices.values)


def test_api_spoken_languages_match_the_form_choices() -> None:
    from safepath.people.models import SPOKEN_LANGUAGES
    from safepath.people.schemas import SpokenLanguageCode

    assert set(typing.get_args(SpokenLanguageCode)) == {code for code, _ in SPOKEN_LANGUAGES}
