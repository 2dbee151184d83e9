"""Settings for the page benchmark: the project's own settings, served the way
production serves them (no debug, static files from whitenoise), plus the two
reference pages of bench/urls.py."""

import warnings

from iop.settings import *  # noqa: F403
from iop.settings import BASE_DIR, LOGGING, STORAGES, TEMPLATES

DEBUG = False
ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
# No collectstatic step before a run: plain static storage reads the source folders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}
# whitenoise looks for collected files too; the benchmark serves pages, not static files.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
