# quizbot: one process, the SQLite file in a volume at /data, decks baked in at /app/decks.
# Build and run with `docker compose up -d` (see docs/deployment.md).
# Pinned to one Python release and Debian release, as the Python packages are pinned by the lock;
# bump it on purpose (and rebuild), never by a pull.
FROM python:3.11.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Exactly the versions in the lock file (hash-checked) first: this layer changes only with the lock.
COPY requirements/runtime.lock ./requirements/runtime.lock
RUN pip install --require-hashes --no-deps -r requirements/runtime.lock
# Then the package (changes less often than the decks), installed as a normal wheel, no new dependencies.
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-deps --no-build-isolation . && rm -rf /app/bot /app/build /app/*.egg-info

# The shipped decks; mount a directory over /app/decks (or set QUIZBOT_DECKS) to use others.
COPY decks ./decks

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home quizbot \
    && mkdir -p /data \
    && chown quizbot:quizbot /data
USER quizbot

ENV QUIZBOT_DB=/data/quizbot.db \
    QUIZBOT_DECKS=/app/decks \
    QUIZBOT_HTTP_ADDR=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080

# No curl in slim images: Python asks /healthz (200 = database reachable and every adapter connected).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; port = os.environ.get('QUIZBOT_HTTP_ADDR', ':8080').rsplit(':', 1)[1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"]

# SIGTERM (docker stop) stops taking answers, commits the acknowledged ones and closes cleanly.
STOPSIGNAL SIGTERM
CMD ["quizbot", "run"]
