"""`safepath referrals flag-overdue`: flag the sent referrals nobody answered by their
deadline and tell the sender and the receivers, once per referral (cron, every 15
minutes; the same work as the task `safepath.referrals.tasks.flag_overdue`). Prints
one JSON line: `{"flagged": n}`."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safepath.referrals import overdue_services


class Command(BaseCommand):
    help = "Referrals: flag the overdue ones."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        subcommands.add_parser("flag-overdue", help="flag referrals not answered in time")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps({"flagged": overdue_services.flag_overdue_referrals()}))
