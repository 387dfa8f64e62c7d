FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# tzdata: [display] timezone is resolved with zoneinfo, which needs the system zone database.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY services ./services
COPY sandbox ./sandbox
COPY locales ./locales

# Editable install: the gettext catalogs live in /app/locales, next to the packages, where
# bot.i18n looks for them. The .mo files are compiled here, at build time, because the
# image runs as a user that cannot write to /app (start-up skips up-to-date catalogs).
RUN pip install -e . \
    && python -c "from bot.i18n import compile_catalogs; compile_catalogs()"

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin chatops
USER chatops

# The config is mounted here; in a container set [web] host = "0.0.0.0" and keep port 8080.
ENV CHATOPS_CONFIG=/etc/chatops/config.toml
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=8).status != 200)"

# SIGTERM (docker stop) lets in-flight updates finish before the process exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
