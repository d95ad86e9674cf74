# Front-end libraries (Leaflet, Chart.js, map outlines) are pinned npm packages.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --create-home --uid 1000 app

COPY pyproject.toml README.md ./
COPY config ./config
COPY incidents ./incidents
COPY templates ./templates
COPY manage.py ./
COPY --from=assets /app/node_modules ./node_modules
RUN pip install --no-cache-dir . \
    && DJANGO_SECRET_KEY=build-only DJANGO_STATIC_ROOT=/app/static python manage.py collectstatic --noinput

RUN mkdir -p /data/media && chown app /data/media
ENV INCIDENTS_CACHE_DIR=/app/cache
RUN python -m incidents.extraction --build-gazetteer && chmod -R a+rX /app/cache
USER app
ENV INCIDENTS_VAR_DIR=/tmp/var DJANGO_STATIC_ROOT=/app/static
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--logger-class", "config.log_redaction.RedactingGunicornLogger"]
