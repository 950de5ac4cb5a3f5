# WeGO Portal production image: gunicorn serving Django, static files collected at build time.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Pango and fonts for WeasyPrint (the annual report's PDF): Noto covers Hangul, Han, Cyrillic
# and Arabic, so the report prints in all eight languages. postgresql-client: pg_dump and
# pg_restore for `manage.py backup` and `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
       fonts-dejavu-core fonts-noto-core fonts-noto-cjk postgresql-client \
    && rm -rf /var/lib/apt/lists/*

COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

COPY . .

# collectstatic needs settings but no secrets, database or broker: the laptop defaults, with
# the hashed, compressed manifest storage that production serves from.
RUN DJANGO_ENV=build DJANGO_DEBUG=true DJANGO_STATIC_MANIFEST=true \
    python manage.py collectstatic --noinput \
    && DJANGO_ENV=build DJANGO_DEBUG=true python manage.py compile_catalogues

RUN useradd --system --uid 10001 --create-home wego \
    && mkdir -p /data/media /data/private \
    && chown -R wego:wego /data
USER wego

EXPOSE 8000
CMD ["gunicorn", "wego_portal.wsgi:application", "--config", "gunicorn.conf.py"]
