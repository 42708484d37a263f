# Callboard: one image for the API, the bot and the background jobs.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY commands ./commands
COPY workflows ./workflows
COPY catalog_store ./catalog_store
RUN pip install .

RUN useradd --system --uid 10001 --home-dir /var/lib/callboard --create-home callboard
USER callboard
WORKDIR /var/lib/callboard

EXPOSE 7007
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:7007/healthz'); sys.exit(0)"
ENTRYPOINT ["callboard"]
CMD ["serve", "--host", "0.0.0.0", "--config", "/etc/callboard/callboard.yaml"]
