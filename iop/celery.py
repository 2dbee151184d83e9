"""The Celery app. Tasks stay thin: load by id, call a tested function, record the outcome."""

import os

from celery import Celery
from celery.signals import beat_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")

app = Celery("iop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _worker_ready(**_kwargs):
    ensure_broker_folders()
    # Report in through the broker at once, so admins see a live worker within seconds.
    app.send_task("iop.tasks.record_heartbeat", args=("worker",))


@beat_init.connect
def _beat_ready(**_kwargs):
    app.send_task("iop.tasks.record_heartbeat", args=("beat",))


def ensure_broker_folders():
    """The filesystem transport needs its folders to exist before anyone sends."""
    from django.conf import settings

    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
        if folder:
            os.makedirs(folder, exist_ok=True)
