"""`safepath serve`: the web app and its background worker together, for `make run`."""

import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from safepath.core.management.commands.demo import DEMO_ACCOUNTS_TEXT


class Command(BaseCommand):
    help = "Serve safepath on HOST:PORT with a background task worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: Any, **options: Any) -> None:
        address = f"{options['host']}:{options['port']}"
        worker = subprocess.Popen([sys.executable, "-m", "safepath", "db_worker"])
        self.stdout.write(self.style.SUCCESS(f"safepath is running on http://{address}/"))
        self.stdout.write("Demo accounts (password safepath-demo):\n" + DEMO_ACCOUNTS_TEXT)
        self.stdout.write("Background worker started. Press Ctrl+C to stop both.")
        try:
            call_command("runserver", address, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
