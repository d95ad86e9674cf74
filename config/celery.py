"""The Celery application; tasks are found in each app's tasks.py."""

import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# filesystem:// (the default broker): kombu's transport with message files written atomically
TRANSPORT_ALIASES["filesystem"] = "config.filesystem_broker:Transport"

# Celery's Django fix-up, changed to keep a worker's pooled connections across tasks
app = Celery("incidents", fixups=["config.celery_fixup:fixup"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
