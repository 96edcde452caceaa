"""Stand-ins for the official images the Dockerfile and compose.yaml name, for machines that reach no image
registry: Debian's own packages, put together as the official image is (debootstrap of the same Debian release with
the same Python), then `docker import`ed under the official name, so `FROM python:3.11-slim-bookworm` resolves
locally. They are built once and kept (the folder under CACHE and the image); an official image already present is
left as it is. `python -m tests.containers.standins` builds what is missing and prints each image's size.

The PostgreSQL stand-in is Debian's PostgreSQL 15 with an entrypoint that does what the official one does on a first
start (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB; PGDATA). The Python stand-in, like the official slim image: Debian bookworm's minimal base, Python 3.11 with venv and
ca-certificates, no apt lists, caches, docs or man pages; `python` and `python3` in /usr/local/bin as well."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CACHE = Path("/var/cache/servicewatch-standins")
MIRROR = "http://deb.debian.org/debian"
RELEASE = "bookworm"


@dataclass(frozen=True)
class StandIn:
    image: str  # the official name it stands in for
    packages: tuple[str, ...]
    changes: tuple[str, ...]  # `docker import --change` lines: the official image's ENV and CMD


PYTHON = StandIn(
    "python:3.11-slim-bookworm",
    ("python3", "python3-venv", "ca-certificates"),
    ("ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin", "ENV LANG=C.UTF-8", 'CMD ["python3"]'),
)
# The official PostgreSQL image's ways (its entrypoint: a database made on first start from POSTGRES_USER,
# POSTGRES_PASSWORD and POSTGRES_DB in PGDATA, listening on every address, run as `postgres`), played by a script of
# our own (ENTRYPOINT below) around Debian's PostgreSQL 15.
POSTGRES = StandIn(
    "postgres:15-bookworm",
    ("postgresql-15", "ca-certificates"),
    (
        "ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "ENV PGDATA=/var/lib/postgresql/data",
        "ENV LANG=C.UTF-8",
        "EXPOSE 5432",
        'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
        'CMD ["postgres"]',
    ),
)
POSTGRES_ENTRYPOINT = """#!/bin/sh
# The stand-in's entrypoint (tests/containers/standins.py): what the official image's does for a first start.
set -e
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql && chown -R postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    printf '%s\n' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}" > /tmp/pwfile
    initdb --username="${POSTGRES_USER:-postgres}" --pwfile=/tmp/pwfile --auth-host=scram-sha-256 \
        --auth-local=trust -D "$PGDATA" >/dev/null
    rm -f /tmp/pwfile
    echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    database="${POSTGRES_DB:-${POSTGRES_USER:-postgres}}"
    if [ "$database" != postgres ]; then
        pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
        createdb --username="${POSTGRES_USER:-postgres}" "$database"
        pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    fi
fi
exec "$@"
"""
DONE = ".standin-complete"  # written once debootstrap and the trimming have ended (left out of the image)
TRIMMED = ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man", "usr/share/info")


def _finish(standin: StandIn, root: Path) -> None:
    """What the official image is beyond Debian's packages: no apt lists, caches, docs, man pages or translations
    (Debian's slim images leave them out), Python's names in /usr/local/bin, PostgreSQL's entrypoint."""
    for part in TRIMMED:
        for item in (root / part).glob("*"):
            shutil.rmtree(item) if item.is_dir() and not item.is_symlink() else item.unlink()
    for item in (root / "usr" / "share" / "locale").glob("*"):
        if item.is_dir():  # the translations; locale.alias stays, as in Debian's slim images
            shutil.rmtree(item)
    if standin is PYTHON:
        for name in ("python", "python3"):
            link = root / "usr" / "local" / "bin" / name
            if not link.is_symlink():
                link.symlink_to("/usr/bin/python3")
    if standin is POSTGRES:
        entrypoint = root / "usr" / "local" / "bin" / "docker-entrypoint.sh"
        entrypoint.write_text(POSTGRES_ENTRYPOINT)
        entrypoint.chmod(0o755)


def present(image: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", image], capture_output=True).returncode == 0


def build(standin: StandIn, cache: Path = CACHE) -> str:
    """The stand-in's image, built unless present (one build at a time on the machine: CI runs may overlap); its size
    as Docker reports it."""
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build(standin, cache)


def _build(standin: StandIn, cache: Path) -> str:
    if not present(standin.image):
        root = cache / standin.image.replace(":", "_").replace("/", "_")
        if not (root / DONE).exists():
            if root.exists():
                shutil.rmtree(root)  # a build cut off midway
            root.parent.mkdir(parents=True, exist_ok=True)
            include = ",".join(standin.packages)
            debootstrap = ["debootstrap", "--variant=minbase", f"--include={include}", RELEASE, str(root), MIRROR]
            subprocess.run(debootstrap, check=True, capture_output=True)
            (root / DONE).touch()
        _finish(standin, root)
        tar = subprocess.Popen(["tar", "-C", str(root), f"--exclude=./{DONE}", "-c", "."], stdout=subprocess.PIPE)
        changes = [arg for change in standin.changes for arg in ("--change", change)]
        subprocess.run(
            ["docker", "import", *changes, "-", standin.image], stdin=tar.stdout, check=True, capture_output=True
        )
        tar.wait()
    size = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Size}}", standin.image],
        capture_output=True,
        text=True,
        check=True,
    )
    return f"{int(size.stdout) / 1e6:.0f} MB"


if __name__ == "__main__":
    for standin in (PYTHON, POSTGRES):
        sys.stdout.write(f"{standin.image}: {build(standin)}\n")
