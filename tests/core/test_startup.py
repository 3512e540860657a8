"""The WSGI module loads the code and freezes the startup heap (core.startup), once per process."""

import subprocess
import sys

from django.conf import settings


def test_the_wsgi_module_freezes_the_startup_heap():
    code = "import gc, factus_project.wsgi as w; import sys; sys.stdout.write(str(gc.get_freeze_count()))"
    env = {"DJANGO_DEBUG": "true", "DJANGO_SECRET_KEY": "t" * 50, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(out.stdout) > 10_000


def test_the_wsgi_module_loads_every_view_before_the_first_request():
    code = "import sys, factus_project.wsgi; sys.stdout.write(str('invoicing.views.editing' in sys.modules))"
    env = {"DJANGO_DEBUG": "true", "DJANGO_SECRET_KEY": "t" * 50, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == "True"
