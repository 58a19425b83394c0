# One image for the web process, the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint needs Pango, and HarfBuzz-Subset to embed font subsets fast (without it it
# falls back to fontTools, slower, and warns); gettext compiles the translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
RUN python manage.py compilemessages --ignore='.venv/*' -v 0 \
 && DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput -v 0 \
 && useradd --create-home app && mkdir -p /app/var/media && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
