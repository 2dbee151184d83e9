"""The Celery app. Tasks stay thin: load by id, call a tested function, record the outcome."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")

app = Celery("iop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _create_broker_folders(**_kwargs):
    ensure_broker_folders()


def ensure_broker_folders():
    """The filesystem transport needs its folders to exist before anyone sends."""
    from django.conf import settings

    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
        if folder:
            os.makedirs(folder, exist_ok=True)
