"""Load the demo clinic. Idempotent: running it twice gives the same clinic.

Each app contributes a ``demo.py`` with ``seed(today, log)``; they run in the
order data flows (core, groups, clinicians, families), then the audit trail's
history of the past weeks (iop/demo_audit.py)."""

import contextlib
import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from iop import audit, demo_audit
from iop.models import AuditEntry

ORDER = ["iop", "groups", "clinicians", "families"]


class Command(BaseCommand):
    help = "Create or refresh the demo clinic (safe to run again)."

    def handle(self, *args, **options):
        today = timezone.localdate()
        # On a fresh trail the clinic's set-up is dated when its audit history begins.
        fresh_trail = not AuditEntry.objects.exists()
        dated = audit.written_at(demo_audit.history_start(today)) if fresh_trail else contextlib.nullcontext()
        with dated:
            for label in ORDER:
                module_name = f"{apps.get_app_config(label).name}.demo"
                if importlib.util.find_spec(module_name) is None:
                    continue
                with transaction.atomic():
                    importlib.import_module(module_name).seed(today, self.log)
        with transaction.atomic():
            demo_audit.seed(today, self.log)
        self.stdout.write(self.style.SUCCESS("Demo clinic ready."))

    def log(self, message):
        self.stdout.write(f"  {message}")
