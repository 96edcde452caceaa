"""Stand-ins for the official images the Dockerfile and compose.yaml name, for machines that reach no image
registry: Debian's own packages, put together as the official image is (debootstrap of the same Debian release with
the same Python), then `docker import`ed under the official name, so `FROM python:3.11-slim-bookworm` resolves
locally. They are built once and kept (the folder under CACHE and the image); an official image already present is
left as it is. `python -m tests.containers.standins` builds what is missing and prints each image's size.

The Python stand-in, like the official slim image: Debian bookworm's minimal base, Python 3.11 with venv and
ca-certificates, no apt lists, caches, docs or man pages; `python` and `python3` in /usr/local/bin as well."""

from __future__ import annotations

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
TRIMMED = ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man", "usr/share/info")


def present(image: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", image], capture_output=True).returncode == 0


def build(standin: StandIn, cache: Path = CACHE) -> str:
    """The stand-in's image, built unless present; its size as Docker reports it."""
    if not present(standin.image):
        root = cache / standin.image.replace(":", "_").replace("/", "_")
        if not (root / "usr" / "bin").is_dir():
            if root.exists():
                shutil.rmtree(root)  # a build cut off midway
            root.parent.mkdir(parents=True, exist_ok=True)
            include = ",".join(standin.packages)
            debootstrap = ["debootstrap", "--variant=minbase", f"--include={include}", RELEASE, str(root), MIRROR]
            subprocess.run(debootstrap, check=True, capture_output=True)
            for part in TRIMMED:
                for item in (root / part).glob("*"):
                    shutil.rmtree(item) if item.is_dir() and not item.is_symlink() else item.unlink()
            for name in ("python", "python3"):
                link = root / "usr" / "local" / "bin" / name
                if not link.exists():
                    link.symlink_to("/usr/bin/python3")
        tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
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
    for standin in (PYTHON,):
        sys.stdout.write(f"{standin.image}: {build(standin)}\n")
