"""factory_boy factories for the domain models."""

import factory

from safepath.accounts.models import Organisation, Role, Team, User
from safepath.people.models import Person

TEST_PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    code = factory.Sequence(lambda n: f"ORG{n}")
    type = "ngo"


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    voivodeship = "14"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CASEWORKER
    organisation = factory.SubFactory(OrganisationFactory)
    team = None
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation  # type: ignore[untyped-decorator]
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    """Builds a person directly; tests that exercise creation go through the service."""

    class Meta:
        model = Person

    given_name = "Olena"
    family_name = factory.Sequence(lambda n: f"Testenko{n}")
    sex = "female"
    nationality = "UKR"
    voivodeship = "14"
    organisation = factory.SubFactory(OrganisationFactory)
    team = None
    created_by = factory.SubFactory(UserFactory)
