"""`safepath demo`: organisations, teams, users and synthetic people for trying safepath."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from safepath.accounts.models import Organisation, Role, Team, User
from safepath.cases.demo import create_cases, create_relief, create_reports
from safepath.directory.demo import load_demo_directory
from safepath.insights.demo import add_history
from safepath.people.demo import create_people
from safepath.people.models import Person
from safepath.referrals.demo import create_referrals
from safepath.screening.demo import create_screenings

DEMO_PASSWORD = "safepath-demo"  # noqa: S105 - documented demo password, refused in production

ORGANISATIONS = [
    ("IOM Poland", "IOM", "international"),
    ("La Strada Poland", "LASTRADA", "ngo"),
    ("Towards Dialogue", "DIALOGUE", "ngo"),
    ("Lambda Warszawa", "LAMBDA", "ngo"),
    (
        "KCIK, National Consulting and Intervention Centre for Victims of Trafficking",
        "KCIK",
        "service_provider",
    ),
    ("Police Podkarpackie", "POLICE-PK", "law_enforcement"),
    ("Border Guard Medyka", "SG-MEDYKA", "law_enforcement"),
]

TEAMS = [
    ("IOM", "Warsaw", "14"),
    ("IOM", "Podkarpackie", "18"),
    ("IOM", "Małopolska", "12"),
    ("IOM", "Lubelskie", "06"),
    ("LASTRADA", "Warsaw", "14"),
    ("DIALOGUE", "Lubelskie", "06"),
    ("KCIK", "Warsaw", "14"),
]

# username, role, organisation, team, first name, last name
USERS = [
    ("admin", Role.ADMIN, "IOM", None, "Anna", "Kowalczyk"),
    ("supervisor.iom", Role.SUPERVISOR, "IOM", "Warsaw", "Marta", "Nowak"),
    ("caseworker.iom", Role.CASEWORKER, "IOM", "Warsaw", "Olena", "Kovalenko"),
    ("caseworker2.iom", Role.CASEWORKER, "IOM", "Warsaw", "Piotr", "Wiśniewski"),
    ("caseworker.lastrada", Role.CASEWORKER, "LASTRADA", "Warsaw", "Joanna", "Zielińska"),
    ("partner.kcik", Role.PARTNER_FOCAL_POINT, "KCIK", "Warsaw", "Katarzyna", "Lewandowska"),
    ("hotline.iom", Role.HOTLINE_OPERATOR, "IOM", "Warsaw", "Iryna", "Shevchenko"),
    ("analyst.iom", Role.ANALYST, "IOM", None, "Tomasz", "Wójcik"),
    ("trainer.iom", Role.TRAINER, "IOM", None, "Natalia", "Bondarenko"),
]

DEMO_ACCOUNTS_TEXT = "\n".join(f"  {username:<20} {role.label}" for username, role, *_rest in USERS)


class Command(BaseCommand):
    help = (
        "Create demo organisations, users, about 300 synthetic people, their screenings and "
        "cases, with stock, shelters, assistance and law-enforcement reports (never in "
        "production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=300, help="how many synthetic people")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when users already exist"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo refuses to run with production settings.")
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("Database already has data; demo not loaded again.")
            return
        with transaction.atomic():
            self._load(options["people"])
        self.stdout.write(
            self.style.SUCCESS("Demo data loaded. Accounts (password safepath-demo):")
        )
        self.stdout.write(DEMO_ACCOUNTS_TEXT)

    def _load(self, people_count: int) -> None:
        organisations = {}
        for name, code, kind in ORGANISATIONS:
            organisations[code], _ = Organisation.objects.update_or_create(
                code=code, defaults={"name": name, "type": kind}
            )
        teams = {}
        for org_code, name, voivodeship in TEAMS:
            teams[(org_code, name)], _ = Team.objects.update_or_create(
                organisation=organisations[org_code],
                name=name,
                defaults={"voivodeship": voivodeship},
            )
        users = {}
        for username, role, org_code, team_name, first, last in USERS:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "role": role,
                    "organisation": organisations[org_code],
                    "team": teams[(org_code, team_name)] if team_name else None,
                    "first_name": first,
                    "last_name": last,
                    "is_active": True,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            users[username] = user
        load_demo_directory()
        if Person.objects.exists():
            return
        iom_supervisor = users["supervisor.iom"]
        actors = [
            (users["caseworker.iom"], None),
            (users["caseworker2.iom"], None),
            (users["hotline.iom"], None),
            (iom_supervisor, teams[("IOM", "Podkarpackie")]),
            (iom_supervisor, teams[("IOM", "Małopolska")]),
            (iom_supervisor, teams[("IOM", "Lubelskie")]),
            (users["caseworker.lastrada"], None),
        ]
        people = create_people(count=people_count, actors=actors)
        if not people:
            return  # `demo --people 0`, which the benchmarks use, adds the accounts only
        screenings = create_screenings(
            people=people,
            anonymous_by=[
                users["caseworker.iom"],
                users["hotline.iom"],
                users["caseworker.lastrada"],
            ],
        )
        cases = create_cases(screenings=screenings)
        create_relief(supervisor=iom_supervisor, cases=cases)
        create_reports(cases=cases)
        create_referrals(cases=cases)
        add_history(actors=actors)  # a year of history for the dashboards and alerts
