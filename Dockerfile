# 履职通 in the server mode: one image for the web process, the job worker and the scheduler
# (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app

WORKDIR /app

# pg_dump and pg_restore for `manage.py backup` and `restore` (the client of the server's major
# version, 15, as in docker-compose.yml).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system lvzhi \
    && useradd --system --gid lvzhi --home-dir /app --no-create-home --shell /usr/sbin/nologin lvzhi

# The pinned dependencies get a layer of their own, so that a change to the code does not
# download them all again.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# The processes run from the source tree in /app (templates, static files and the catalog sit
# beside the packages, not inside them); installing the project records it and checks that the
# build metadata is sound.
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info

# The server mode stores static files under hashed names listed in a manifest, and only the
# server mode's settings write that manifest. These values select the mode for this one command;
# collectstatic connects to neither service, and the key is never used to sign anything.
RUN DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    REDIS_URL=redis://127.0.0.1:6379/0 \
    DJANGO_SECRET_KEY=build-time-only-collectstatic-signs-nothing-with-this-key \
    python manage.py collectstatic --noinput

# The code stays owned by root and read-only to the processes; only uploads are writable.
RUN mkdir -p /app/var/media /app/var/backups && chown -R lvzhi:lvzhi /app/var
USER lvzhi

EXPOSE 8000
CMD ["gunicorn", "congress.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
