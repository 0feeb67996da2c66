# CharterHub — one image for web (gunicorn), Celery worker, Celery beat and migrations.
# docker-compose.yml picks the command per service; the default CMD is the web server.
FROM python:3.12-slim

# STATIC_ROOT: collected static files live in the image, outside /app/var, because
# docker-compose.yml mounts a volume on /app/var that would hide (or keep a stale copy of) them.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=charterhub.settings \
    STATIC_ROOT=/app/staticfiles

# An unprivileged user with a fixed uid, so volume ownership is stable across rebuilds.
RUN groupadd --system --gid 10001 charterhub \
    && useradd --system --uid 10001 --gid charterhub --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin charterhub

WORKDIR /app

# Dependencies first, so code changes do not reinstall them. The pins with native code
# (psycopg[binary], nh3, rpds-py, greenlet, …) ship manylinux wheels, so the slim image
# needs no compiler.
COPY requirements.txt ./
RUN pip install --requirement requirements.txt

# The code stays owned by root (the app cannot rewrite itself); only var/ (beat schedule,
# uploads; a volume in compose) and the static folder belong to the app user.
COPY . .
RUN mkdir -p /app/var /app/staticfiles \
    && chown charterhub:charterhub /app/var /app/staticfiles

USER charterhub:charterhub

# Hashed, compressed static files for whitenoise. The key only lets settings load during
# the build; it is not in the image's environment (real ones come from docker-compose/.env).
RUN SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime \
    python manage.py collectstatic --noinput

EXPOSE 8000

CMD ["gunicorn", "charterhub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
