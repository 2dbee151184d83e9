"""Production settings pass Django's deployment checklist; the compose file
matches what the settings read."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "IOP_DEPLOYMENT": "production",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "iop.example.org",
    "DATABASE_URL": "postgres://iop:secret@127.0.0.1:5432/iop",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://user:pass@127.0.0.1:587",
}


def run_manage(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_in_production_mode():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env_extra=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_service_with_a_healthcheck():
    services = compose()["services"]
    for name in ("db", "redis", "web", "worker", "reports", "beat"):
        assert name in services, name
        check = services[name].get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"


def test_compose_commands_run_gunicorn_celery_worker_and_beat():
    services = compose()["services"]
    assert services["web"]["command"][0] == "gunicorn" and "iop.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "iop", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "iop", "beat"]
    assert services["migrate"]["command"][-2:] == ["migrate", "--no-input"]


def grace_seconds(service):
    grace = compose()["services"][service]["stop_grace_period"]
    assert grace.endswith("s"), grace
    return int(grace[:-1])


def test_compose_lets_each_worker_finish_its_task_on_a_deploy():
    from clinicians.tasks import render_report
    from iop.tasks import deliver_message

    assert grace_seconds("reports") > render_report.time_limit
    assert grace_seconds("worker") > deliver_message.time_limit


def queue_option(service):
    command = compose()["services"][service]["command"]
    assert command[:4] == ["celery", "-A", "iop", "worker"]
    return command[command.index("-Q") + 1]


def with_defaults(value):
    """A compose value as it reads with none of its variables set."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)


def test_compose_renders_reports_apart_from_messages_and_every_queue_has_a_worker():
    from django.conf import settings

    env = compose()["services"]["worker"]["environment"]
    # Each worker's -Q is the very value the app's settings are given, whatever .env sets.
    assert queue_option("worker") == env["CELERY_QUEUE"]
    assert queue_option("reports") == env["CELERY_REPORTS_QUEUE"]
    assert with_defaults(queue_option("worker")) == settings.CELERY_TASK_DEFAULT_QUEUE
    assert with_defaults(queue_option("reports")) == settings.CELERY_REPORTS_QUEUE
    every_queue = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    # The worker takes the urgent queue with its own (iop/celery.py).
    worker_queue = with_defaults(queue_option("worker"))
    assert every_queue == {worker_queue, settings.CELERY_URGENT_QUEUE, with_defaults(queue_option("reports"))}
    assert settings.CELERY_URGENT_QUEUE == f"{worker_queue}.urgent"
    # Two workers on one host need names of their own for `inspect ping` to tell them apart.
    assert "reports@$$HOSTNAME" in compose()["services"]["reports"]["healthcheck"]["test"][1]


def test_message_workers_hold_several_tasks_and_every_minutely_beat_task_expires():
    from django.conf import settings

    # A message worker keeps its next reminders in hand; a report worker holds one
    # task per process (iop/celery.py, shown by tests/clinicians/test_reports_queue.py).
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER > 1
    # A held copy of a minutely task comes back late (a worker that died); the
    # next minute's run has done its work, and a late heartbeat would hide a stop.
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if entry["schedule"] == 60.0:
            assert entry["options"]["expires"] < 60, name


def test_compose_app_variables_are_the_ones_settings_read():
    settings_source = "\n".join(
        (ROOT / path).read_text() for path in ("iop/settings.py", "iop/sms.py", "iop/celery.py")
    )
    read_by_settings = set(re.findall(r'env\.\w+\("([A-Z_]+)"', settings_source))
    read_by_settings |= set(re.findall(r'os\.environ(?:\.get)?[\[(]"([A-Z_]+)"', settings_source))
    for name in ("web", "worker", "reports", "beat"):
        variables = set(compose()["services"][name]["environment"])
        unknown = variables - read_by_settings
        assert not unknown, f"{name} sets variables no setting reads: {unknown}"
        for required in ("IOP_DEPLOYMENT", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"):
            assert required in variables, f"{name} lacks {required}"


def test_compose_uses_postgres_and_redis_urls_pointing_at_its_services():
    env = compose()["services"]["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"


def test_readme_documents_every_compose_variable():
    readme = (ROOT / "README.md").read_text()
    for variable in compose()["services"]["web"]["environment"]:
        assert f"`{variable}`" in readme, f"README's configuration table lacks {variable}"


def test_postgresql_prepares_repeated_queries_unless_turned_off():
    script = (
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS'];"
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    for value, expected in (("", "True 5"), ("false", "None None")):
        env = {**PRODUCTION_ENV, "IOP_DEPLOYMENT": "development", "DB_PREPARED_STATEMENTS": value}
        if not value:
            del env["DB_PREPARED_STATEMENTS"]
        result = run_manage("shell", "-c", script, env_extra=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.django_db
def test_postgresql_connections_do_not_compile_queries_just_in_time():
    """Compiling one query takes tens of milliseconds and these queries read a few
    dozen rows: a page whose query looks large to the planner paid it on every run."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        # Nor start parallel workers, which cost more than these queries take.
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def test_turning_off_parallel_workers_adds_to_the_other_options():
    script = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'].get('options'))"
    url = "postgres://postgres@127.0.0.1:5432/iop?options=-c%20statement_timeout%3D5000"
    env = {**PRODUCTION_ENV, "IOP_DEPLOYMENT": "development", "DATABASE_URL": url}
    env.pop("DB_JIT_OFF", None)
    env.pop("DB_PARALLEL_OFF", None)
    result = run_manage("shell", "-c", script, env_extra=env)
    assert result.returncode == 0, result.stderr
    expected = "-c statement_timeout=5000 -c jit=off -c max_parallel_workers_per_gather=0"
    assert result.stdout.strip().splitlines()[-1] == expected


def test_turning_off_just_in_time_compilation_keeps_the_urls_own_options():
    script = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'].get('options'))"
    url = "postgres://postgres@127.0.0.1:5432/iop?options=-c%20statement_timeout%3D5000"
    for value, expected in (("", "-c statement_timeout=5000 -c jit=off"), ("false", "-c statement_timeout=5000")):
        env = {
            **PRODUCTION_ENV,
            "IOP_DEPLOYMENT": "development",
            "DATABASE_URL": url,
            "DB_JIT_OFF": value,
            "DB_PARALLEL_OFF": "false",
        }
        if not value:
            del env["DB_JIT_OFF"]
        result = run_manage("shell", "-c", script, env_extra=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == expected
