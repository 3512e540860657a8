"""`manage.py follow_up`: what a cron job or systemd timer runs every minute in production."""

from django.core.management.base import BaseCommand

from invoicing.tasks import follow_up_tick


class Command(BaseCommand):
    help = (
        "Encola el ciclo de seguimiento (facturas pendientes en la DIAN, por verificar, correos y "
        "emisiones masivas interrumpidas). Con --now lo ejecuta aquí mismo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Ejecuta el ciclo en este proceso.")

    def handle(self, *args, now, **options):
        if now:
            done = follow_up_tick.call(chain=False)
            self.stdout.write(
                f"Recuperadas {done['recovered']}, nuevas {done['scanned']}, encoladas {done['dispatched']}."
            )
            return
        follow_up_tick.enqueue()
        self.stdout.write("Ciclo de seguimiento encolado.")
