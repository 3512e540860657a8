import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factus_project.settings")
application = get_wsgi_application()

from core.startup import warm_up_and_freeze  # noqa: E402  (needs the apps loaded above)

warm_up_and_freeze()
