from django.core import mail
from django.core.management.base import BaseCommand

from core.services import nightly


class Command(BaseCommand):
    help = "Expire reservations, send invoice reminders, low-stock report, outgoing mail."

    def handle(self, *args, **options):
        result = nightly(mailer=mail)
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")
