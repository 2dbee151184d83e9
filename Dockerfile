# One image for web, worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=iop.settings IOP_DEPLOYMENT=production IOP_VAR_DIR=/app/var

# WeasyPrint's text stack (Pango, HarfBuzz) and a font; curl for health checks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY iop iop
COPY clinicians clinicians
COPY groups groups
COPY families families
RUN pip install '.[sms-twilio]'
COPY . .
# collectstatic needs a key to import settings; it is not the runtime key.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input -v 0 \
 && useradd --create-home --uid 1000 iop && mkdir -p /app/var && chown -R iop /app/var
USER iop
EXPOSE 8000
CMD ["gunicorn", "iop.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
