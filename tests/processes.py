"""Real bot and sandbox processes for the process tests (schedules across kills and replicas)."""

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
from urllib.parse import urlencode

import httpx

from bot.config import SETTING_PREFIXES, Settings
from tests.slack_payloads import signed_headers, slash_command

SECRET = "process-test-secret"
ROOT = Path(__file__).resolve().parent.parent


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any of the bot's settings (a developer's own must not leak in), plus
    `extra`. The child imports `bot` from this checkout, also when it is a git worktree beside the installed one."""
    settings = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k not in settings and not k.startswith(SETTING_PREFIXES)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


@dataclass
class BotProcess:
    process: subprocess.Popen[str]
    url: str
    log: Path
    log_file: IO[str]

    def command(self, text: str, *, response_url: str, user: str = "U0KIM", channel: str = "C0OPS") -> None:
        body = urlencode(slash_command(text, user=user, channel=channel, response_url=response_url))
        response = httpx.post(
            f"{self.url}/slack/events",
            content=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                **signed_headers(body, SECRET),
            },
            timeout=10,
        )
        assert response.status_code == 200, response.text

    def stop(self) -> int:
        """SIGTERM, and the exit code once it has finished its work."""
        self.process.terminate()
        return self.close()

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything."""
        self.process.kill()
        self.close()

    def close(self) -> int:
        code = self.process.wait(timeout=60)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.log_file.close()
        return code


@contextmanager
def sandbox_process(cwd: Path) -> Iterator[str]:
    """`python -m bot sandbox --port 0`, shared by the bot processes of a test."""
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--port", "0"],
        cwd=cwd,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        assert process.stdout is not None
        url = process.stdout.readline().rsplit(" ", 1)[1].strip()
        try:
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def start_bot(cwd: Path, log_name: str, **env: str) -> BotProcess:
    """A bot in HTTP mode; returns once it listens. Its stderr goes to a log file in `cwd`."""
    log = cwd / f"{log_name}.log"
    log_file = log.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=cwd,
        env=clean_env(
            SLACK_BOT_TOKEN="xoxb-test-token",
            SERVICEWATCH_SANDBOX="true",
            SLACK_SIGNING_SECRET=SECRET,
            BOT_HTTP_HOST="127.0.0.1",
            BOT_HTTP_PORT="0",
            **env,
        ),
        stdout=subprocess.PIPE,
        stderr=log_file,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip().startswith("Listening:"):
            return BotProcess(process, line.split()[1].removesuffix("/slack/events"), log, log_file)
    BotProcess(process, "", log, log_file).close()
    raise AssertionError(f"the bot did not start: {log.read_text()}")


def wait_until(predicate: object, within: float, what: str, *logs: BotProcess) -> None:
    deadline = time.monotonic() + within
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {bot.log.name}:\n{bot.log.read_text()[-3000:]}" for bot in logs)
            raise AssertionError(f"timed out waiting for {what}\n{tails}")
        time.sleep(0.1)


@contextmanager
def running(bot: BotProcess) -> Iterator[BotProcess]:
    """Stop the bot however the test ends (killed if it will not stop), so nothing outlives the test."""
    try:
        yield bot
    finally:
        if bot.process.poll() is None:
            bot.process.kill()
        if not bot.log_file.closed:
            bot.close()
