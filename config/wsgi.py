"""WSGI entry point served by granian (``config.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

from config.startup import or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = or_exit(get_wsgi_application)
