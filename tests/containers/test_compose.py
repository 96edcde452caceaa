"""The bot packaged: the image built from the Dockerfile (on stand-ins of its official bases where no registry is
reachable: tests/containers/standins.py) and compose.yaml's stack started on this machine, PostgreSQL and two
replicas. Through a published port a signed `/chart` reaches the fake Slack as a chart; a schedule made through one
replica posts each run exactly once while that replica's container is killed and started again; `down` and `up`
keep the schedules (the volume); SIGTERM drains a replica (behind compose's init) and the bare image (Python as PID 1)
to a clean exit; the bot runs as its own user; no secret is in the image's history; the `try` profile answers a
chart on the console with no account."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from tests.containers.standins import POSTGRES, PYTHON, build
from tests.fakes.slack import BOT_TOKEN, FakeSlack
from tests.scheduling.test_processes import check_posted_once
from tests.slack_payloads import signed_headers, slash_command

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

ROOT = Path(__file__).resolve().parents[2]
IMAGE_TAG = f"test-{secrets.token_hex(3)}"  # this run's own (pipelines at once on one machine build theirs)
IMAGE = f"servicewatch-charts:{IMAGE_TAG}"
SIGNING = "container-signing-secret-" + secrets.token_hex(8)
DB_PASSWORD = "pw-" + secrets.token_hex(8)
FORM = "application/x-www-form-urlencoded"


def docker_ready() -> str | None:
    """Why containers cannot run here (None when they can)."""
    if shutil.which("docker") is None:
        return "docker is not installed"
    if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        return "the Docker daemon is not running"
    if compose_command() is None:
        return "neither `docker compose` nor `docker-compose` is installed"
    return None


def compose_command() -> list[str] | None:
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def run(*command: str, check: bool = True, stdin: str | None = None) -> str:
    """A command in a thread (the fake Slack keeps answering the containers meanwhile); its output. Each ends
    within 15 minutes."""
    done = await asyncio.to_thread(
        subprocess.run, list(command), input=stdin, capture_output=True, text=True, timeout=900
    )
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def build_image() -> None:
    """The stand-in bases (when the official ones are missing), the dependencies as wheels (this machine reaches
    PyPI only through its own certificates, which the build's containers do not hold), then the image."""
    for standin in (PYTHON, POSTGRES):
        build(standin)
    wheels = ROOT / "wheels"
    wheels.mkdir(exist_ok=True)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--wheel-dir", str(wheels), str(ROOT)], check=True, capture_output=True)
    subprocess.run([*pip, "download", "-d", str(wheels), "setuptools>=77", "wheel"], check=True, capture_output=True)
    for own in wheels.glob("servicewatch_charts_bot-*.whl"):
        own.unlink()  # the bot itself is built from the context's sources
    subprocess.run(
        ["docker", "build", "-q", "-t", IMAGE, "--build-arg", "PIP_NO_INDEX=1", str(ROOT)],
        check=True,
        capture_output=True,
    )


@dataclass
class Stack:
    fake: FakeSlack
    folder: Path
    project: str
    ports: tuple[int, int]
    compose: list[str]

    async def compose_run(self, *args: str, check: bool = True) -> str:
        files = ["-f", str(self.folder / "compose.yaml"), "-f", str(self.folder / "compose.override.yaml")]
        return await run(*self.compose, "-p", self.project, *files, *args, check=check)

    def container(self, service: str) -> str:
        return f"{self.project}_{service}_1" if self.compose == ["docker-compose"] else f"{self.project}-{service}-1"

    async def psql(self, query: str) -> list[list[str]]:
        out = await run(
            "docker", "exec", self.container("postgres"), "psql", "-U", "servicewatch", "-d", "servicewatch",
            "-At", "-F", "|", "-c", query,
        )  # fmt: skip
        return [line.split("|") for line in out.strip().splitlines() if line]

    async def command(self, text: str, port: int) -> httpx.Response:
        form = slash_command(text, user="U0KIM", channel="C0OPS", response_url=self.fake.response_url())
        body = urlencode(form)
        headers = {"Content-Type": FORM, **signed_headers(body, SIGNING)}
        async with httpx.AsyncClient() as http:
            return await http.post(f"http://127.0.0.1:{port}/slack/events", content=body, headers=headers, timeout=30)

    async def ready(self, port: int, within: float = 180) -> float:
        """Seconds until the replica on `port` answers /readyz 200."""
        started = time.monotonic()
        async with httpx.AsyncClient() as http:
            while time.monotonic() - started < within:
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"http://127.0.0.1:{port}/readyz", timeout=3)).status_code == 200:
                        return time.monotonic() - started
                await asyncio.sleep(0.5)
        logs = await self.compose_run("logs", "--tail", "40", check=False)
        raise AssertionError(f"the replica on {port} was never ready:\n{logs}")


def settings(fake_url: str, ports: Sequence[int]) -> str:
    return "\n".join(
        [
            f"POSTGRES_PASSWORD={DB_PASSWORD}",
            f"SLACK_BOT_TOKEN={BOT_TOKEN}",
            f"SLACK_SIGNING_SECRET={SIGNING}",
            f"SLACK_API_URL={fake_url}/api/",
            "SERVICEWATCH_SANDBOX=true",
            "SCHEDULE_MIN_INTERVAL=1s",
            "SCHEDULE_SYNC_INTERVAL=1s",
            "SCHEDULE_LEASE=3s",
            "SCHEDULE_MISFIRE_GRACE=1m",
            "SLACK_UPLOADS_PER_MINUTE=6000",
            f"PUBLISH_PORT_A={ports[0]}",
            f"PUBLISH_PORT_B={ports[1]}",
            f"IMAGE_TAG={IMAGE_TAG}",
            "",
        ]
    )


OVERRIDE = """# The test's: the fake Slack runs on this machine, reached from the containers as host.docker.internal.
services:
  migrate:
    extra_hosts: ["host.docker.internal:host-gateway"]
  bot-a:
    extra_hosts: ["host.docker.internal:host-gateway"]
  bot-b:
    extra_hosts: ["host.docker.internal:host-gateway"]
"""


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    problem = docker_ready()
    if problem is not None:
        pytest.skip(problem)
    build_image()
    yield IMAGE
    subprocess.run(["docker", "rmi", "-f", IMAGE], capture_output=True)


@pytest.fixture
async def stack(image: str, tmp_path: Path) -> AsyncIterator[Stack]:
    fake = FakeSlack()
    await fake.start(host="0.0.0.0", reached_as="host.docker.internal")
    fake.default_workspace()
    ports = (free_port(), free_port())
    folder = tmp_path / "deploy"
    folder.mkdir()
    shutil.copy(ROOT / "compose.yaml", folder / "compose.yaml")
    (folder / ".env").write_text(settings(fake.url, ports))
    (folder / "compose.override.yaml").write_text(OVERRIDE)
    compose = compose_command()
    assert compose is not None
    running = Stack(fake, folder, f"swtest{secrets.token_hex(3)}", ports, compose)
    try:
        yield running
    finally:
        await running.compose_run("down", "-v", "--remove-orphans", check=False)
        await fake.stop()


async def test_the_compose_stack_charts_schedules_exactly_once_and_keeps_its_schedules(stack: Stack) -> None:
    fake = stack.fake
    port_a, port_b = stack.ports
    await stack.compose_run("up", "-d")
    seconds = [await stack.ready(port_a), await stack.ready(port_b)]
    sys.stdout.write(f"replicas ready after `up`: {seconds[0]:.1f} s, {seconds[1]:.1f} s\n")

    answer = await stack.command('"Virtual Server:CPU Usage/Core[Basic]" web-01 last 3h', port_a)
    assert answer.status_code == 200
    await fake.wait_for(lambda: fake.chart_messages(), within=120)

    before = len(fake.responses)
    await stack.command("schedule lag every 2s", port_a)
    await fake.wait_for(lambda: len(fake.responses) > before, within=60)
    assert str(fake.responses[before]["text"]).startswith("Scheduled #1"), fake.responses[before]
    await fake.wait_for(lambda: len(fake.posts) >= 4, within=120)
    await run("docker", "kill", stack.container("bot-a"))  # SIGKILL: the replica the schedule was made through
    await fake.wait_for(lambda: len(fake.posts) >= 8, within=120)  # the other replica goes on
    await run("docker", "start", stack.container("bot-a"))
    restarted = await stack.ready(port_a)
    sys.stdout.write(f"a replica's container started again, ready after {restarted:.1f} s\n")
    await fake.wait_for(lambda: len(fake.posts) >= 12, within=120)

    await stack.compose_run("down")  # the volume stays
    await stack.compose_run("up", "-d")
    await stack.ready(port_a)
    await stack.ready(port_b)
    runs = await stack.psql("SELECT status, coalesce(file_id, '') FROM schedule_runs")
    assert {status for status, _file in runs} <= {"posted", "unknown", "claimed", "posting"}, runs
    unknown = sum(1 for status, _file in runs if status != "posted")
    check_posted_once(fake, [file or None for _status, file in runs], unknown=unknown + 1)  # + the first /chart
    schedules = await stack.psql("SELECT id, paused FROM schedules")
    assert schedules == [["1", "f"]]  # kept across down and up, and still running

    await run("docker", "stop", "-t", "30", stack.container("bot-b"))  # SIGTERM: the replica drains and exits
    assert (await run("docker", "inspect", "-f", "{{.State.ExitCode}}", stack.container("bot-b"))).strip() == "0"
    uid = await run("docker", "exec", stack.container("bot-a"), "id", "-u")
    assert uid.strip() == "10001"
    history = await run("docker", "history", "--no-trunc", IMAGE)
    for secret in (SIGNING, DB_PASSWORD, BOT_TOKEN):
        assert secret not in history
    tried = await run(
        *stack.compose, "-p", stack.project, "-f", str(stack.folder / "compose.yaml"), "--profile", "try",
        "run", "--rm", "-T", "try", stdin="/chart lag last 1h\nquit\n",
    )  # fmt: skip
    assert "chart: charts/servicewatch-replication-lag-" in tried  # the console on the sandbox, no account
    # Python as PID 1, no init: SIGTERM reaches it and it exits cleanly (137 would be the SIGKILL after the timeout).
    alone = (await run("docker", "run", "-d", IMAGE, "sandbox")).strip().splitlines()[-1]
    try:
        for _ in range(120):
            if "Ctrl-C stops it" in await run("docker", "logs", alone):
                break
            await asyncio.sleep(0.5)
        await run("docker", "stop", "-t", "30", alone)
        assert (await run("docker", "inspect", "-f", "{{.State.ExitCode}}", alone)).strip() == "0"
    finally:
        await run("docker", "rm", "-f", alone, check=False)
    listing = await run("docker", "run", "--rm", "--entrypoint", "sh", IMAGE, "-c", "ls -a / /opt /var/lib/bot")
    assert ".env" not in listing
    assert ".git" not in listing
