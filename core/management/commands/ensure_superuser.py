import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Crea un superusuario local la primera vez (contraseña aleatoria, mostrada una sola vez)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        users = get_user_model()
        if users.objects.filter(is_superuser=True).exists():
            self.stdout.write("Ya existe un superusuario; no se crea otro.")
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS("Superusuario creado (guarde esta contraseña; no se repetirá):"))
        self.stdout.write(f"  usuario: {username}\n  contraseña: {password}")
