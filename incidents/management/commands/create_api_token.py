"""Issue an API token for a user and print it (it is shown only this once)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from incidents.services.tokens import api_token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it. Only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scope", choices=["read", "write"], default="read")
        parser.add_argument(
            "--expires", type=int, metavar="DAYS", help="Expire after DAYS days (default: never)."
        )
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, username, scope, expires, name, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called {username!r}.") from None
        try:
            token, raw = api_token_create(user, scope=scope, days=expires, name=name)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(raw)
        until = f"until {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "with no expiry"
        self.stderr.write(
            f"{scope} token for {username}, {until}. Keep it: it is not stored and cannot be shown again."
        )
