# Community Hub: one image for the API (`serve`), the workers (`worker`) and `migrate`.
#   docker build -t communityhub .
#   docker compose up          # PostgreSQL, Redis, migrations, API and a worker
FROM python:3.12-slim

ARG UV_VERSION=0.13.9

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:${PATH}"

RUN pip install --no-cache-dir "uv==${UV_VERSION}"

WORKDIR /app

# Dependencies first (their own layer, rebuilt only when the lock changes), then the project.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

COPY app ./app
COPY schema ./schema
COPY workers ./workers
COPY migrations ./migrations
RUN uv sync --frozen --no-dev

# Run as an unprivileged user; var/ (mail files with CH_EMAIL_BACKEND=file) is its only
# writable place.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin communityhub \
    && mkdir -p /app/var/mail \
    && chown -R communityhub:communityhub /app/var
USER communityhub

EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["communityhub", "serve", "--host", "0.0.0.0"]
