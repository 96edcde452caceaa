"""The processes of a bench run (sandbox, fake Slack, the bot) and what /proc says about them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tests.processes import clean_env

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
TOKEN = "xoxb-test-token"  # what the fake Slack accepts
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[str]
    url: str
    log: Path
    log_file: IO[str]
    started: float  # time.monotonic() at spawn
    ready: float  # seconds from spawn to listening

    @property
    def pid(self) -> int:
        return self.popen.pid

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        if self.popen.stdout is not None:
            self.popen.stdout.close()
        self.log_file.close()


def spawn(name: str, args: list[str], workdir: Path, ready_line: str, env: dict[str, str], cwd: Path = ROOT) -> Process:
    """Start `python ARGS…` and wait for the line that says it listens; the URL is that line's last word."""
    log = workdir / f"{name}.log"
    log_file = log.open("w")
    started = time.monotonic()
    popen = subprocess.Popen(
        [sys.executable, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=log_file, text=True
    )
    assert popen.stdout is not None
    for line in popen.stdout:
        if ready_line in line:
            url = line.split()[-1] if ready_line != "Listening:" else line.split()[1].removesuffix("/slack/events")
            return Process(name, popen, url, log, log_file, started, time.monotonic() - started)
    popen.wait()
    log_file.close()
    raise RuntimeError(f"{name} did not start; its log:\n{log.read_text()[-3000:]}")


def sandbox(workdir: Path, *, latency: float, alerts: int = 0) -> Process:
    """The ServiceWatch sandbox, answering after `latency` seconds, with stock images (its drawing would
    otherwise take the CPU the bot is measured on) and `alerts` generated alert policies beside its own."""
    args = ["-m", "bot", "sandbox", "--port", "0", "--latency", str(latency), "--stock-images", "--alerts", str(alerts)]
    return spawn("sandbox", args, workdir, "sandbox listening on", clean_env())


def fake_slack(workdir: Path, *, uploads_per_minute: float, burst: int = 3, teams: int = 0) -> Process:
    """The fake Slack (bench/slack.py); `teams` more workspaces with the app installed, each limited apart."""
    args = ["-m", "bench.slack", "--uploads-per-minute", str(uploads_per_minute), "--burst", str(burst)]
    args += ["--teams", str(teams)]
    return spawn("slack", args, workdir, "fake Slack listening on", clean_env())


def bot(
    workdir: Path,
    *,
    slack: Process,
    servicewatch: Process,
    database_url: str,
    profile: bool = False,
    name: str = "bot",
    installable: bool = False,
    **settings: str,
) -> Process:
    """`python -m bot` in HTTP mode; returns once it listens (schedules loaded: it listens after that). With
    `profile`, under cProfile, writing `bot.prof` in `workdir` when it stops. Replicas get names of their own (their
    logs are `NAME.log`). `installable`: the installable app (no SLACK_BOT_TOKEN; give SLACK_CLIENT_ID and the rest)."""
    env = clean_env(
        **({} if installable else {"SLACK_BOT_TOKEN": TOKEN}),
        SERVICEWATCH_SANDBOX="true",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=f"{slack.url}/api/",
        SERVICEWATCH_ENDPOINT=servicewatch.url,
        BOT_HTTP_HOST="127.0.0.1",
        BOT_HTTP_PORT="0",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        **settings,
    )
    args = ["-m", "cProfile", "-o", str(workdir / "bot.prof"), "-m", "bot"] if profile else ["-m", "bot"]
    return spawn(name, args, workdir, "Listening:", env, cwd=workdir)


@contextmanager
def running(*processes: Process) -> Iterator[None]:
    try:
        yield
    finally:
        for process in processes:
            process.stop()
