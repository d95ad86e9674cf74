"""Create (or reset) the demo analyst account and print its credentials."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo analyst account (staff, so it can use the admin) and print its password."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="analyst")
        parser.add_argument("--password", default="", help="Default: a new random password.")
        parser.add_argument(
            "--email",
            default="analyst@example.org",
            help="The account's e-mail (default analyst@example.org): the ACLED API checks a key against it.",
        )

    def handle(self, *args, username, password, email, **options):
        password = password or secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(username=username)
        user.email = email
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        verb = "Created" if created else "Reset"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} the demo analyst: username {username!r}, password {password!r}, e-mail {email!r}"
            )
        )
