# The bot's image: `docker build -t servicewatch-charts .` (docs/deployment.md). Two stages: the first installs the
# bot and its dependencies into a virtual environment, the second takes only that environment onto a clean base.
# PYTHON_IMAGE is the official Python image; where no registry can be reached, a stand-in of the same name is built
# from Debian's packages (tests/containers/standins.py).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
# `--build-arg PIP_NO_INDEX=1` with wheels/ in the context: a build that reaches no package index.
ARG PIP_NO_INDEX
WORKDIR /src
# binutils' strip, for this stage only: the extension modules lose their debugging symbols (about 55 MB). Without a
# package mirror the build goes on unstripped.
RUN (apt-get update -q && apt-get install -y -q --no-install-recommends binutils && rm -rf /var/lib/apt/lists/*) \
    || echo "no package mirror: the extension modules are left unstripped"
RUN python3 -m venv /opt/venv
# The context is what .dockerignore lets through: pyproject.toml, README.md, bot/ and, when present, wheels/ (the
# dependencies fetched beforehand, for a build that reaches no package index).
COPY . ./
RUN /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check --find-links ./wheels . \
    && /opt/venv/bin/python -m pip uninstall --yes --quiet pip setuptools wheel \
    && /opt/venv/bin/python /src/deploy/image/prune.py /opt/venv \
    && if command -v strip >/dev/null; then find /opt/venv -name '*.so' -type f -not -path '*.libs/*' -exec strip --strip-unneeded {} +; fi \
    && /opt/venv/bin/python -m compileall -q -j 0 /opt/venv/lib

FROM ${PYTHON_IMAGE}
# No compiler, cache, test extra or source tree here: the environment alone, owned by root, run by `bot`.
RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid bot --home-dir /var/lib/bot --create-home --shell /usr/sbin/nologin bot
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    BOT_HTTP_HOST=0.0.0.0 \
    BOT_HTTP_PORT=3000
# /var/lib/bot is the one place the bot writes (the SQLite database and console charts when no DATABASE_URL is set);
# /tmp holds caches. With both writable the root filesystem can be read-only (compose.yaml, deploy/kubernetes/).
WORKDIR /var/lib/bot
USER bot
EXPOSE 3000
# Liveness: /healthz answers while the event loop does (HTTP mode; Socket Mode serves no port: set no healthcheck).
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=2).status != 200)"]
# `python -m bot` handles SIGTERM itself (it drains, then exits); compose and Kubernetes add an init as PID 1.
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "bot"]
