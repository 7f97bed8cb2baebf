"""WSGI entry point: `gunicorn loa.web.wsgi` or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loa.web.settings")
application = get_wsgi_application()
