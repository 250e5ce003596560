# Production-like image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Snapshot PDFs: Pango for WeasyPrint, chromium for kaleido's chart export, and fonts with
# Arabic glyphs; gettext's msgfmt compiles the translation catalogues. IMPORT_ROOT
# (uploaded import files) stays outside the served media.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 chromium fonts-dejavu-core fonts-noto-core gettext \
    && rm -rf /var/lib/apt/lists/*
# The runtime lock only: every file checked against its hash, and no test tools, no
# embedded PostgreSQL or Redis (the image is always given DATABASE_URL and REDIS_URL).
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
# The .mo files are never committed (nor copied: .dockerignore): compiled here from the .po.
RUN python -m django compilemessages --verbosity=0 --ignore=.venv --ignore=static
RUN DEBUG=true SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 python manage.py collectstatic --noinput
RUN useradd --create-home iomdash && mkdir -p /app/media /app/imports && chown iomdash /app/media /app/imports
USER iomdash
EXPOSE 8000
CMD ["gunicorn", "iomdash.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "8", "--worker-class", "iomdash.workers.BalancedThreadWorker", "--timeout", "60"]
