"""`python -m bot` as a person runs it: real processes, real ports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

SETTING_PREFIXES = ("SLACK_", "SCP_", "SERVICEWATCH_", "BOT_", "CHART_", "DATABASE_URL", "LOG_", "ALLOWED_", "ADMIN_")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTING_PREFIXES)}
    env.update(extra)
    return env


def run_bot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_the_commands_of_the_spec(tmp_path: Path) -> None:
    result = run_bot("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("run", "sandbox", "check", "chart", "migrate"):
        assert f"\n    {command} " in result.stdout


def test_check_against_the_built_in_sandbox(tmp_path: Path) -> None:
    result = run_bot("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "the settings are valid" in result.stdout
    assert "built-in ServiceWatch sandbox" in result.stdout
    assert "ListMetricInfos: OK" in result.stdout
    assert "3 namespaces, 16 metrics" in result.stdout


def test_bad_settings_exit_2_with_every_problem(tmp_path: Path) -> None:
    result = run_bot("check", cwd=tmp_path, SERVICEWATCH_API_VERSION="2.0", SLACK_BOT_TOKEN="xoxp-secret-thing")
    assert result.returncode == 2
    assert "SERVICEWATCH_API_VERSION" in result.stderr
    assert "SLACK_BOT_TOKEN must start with 'xoxb-'" in result.stderr
    assert "secret-thing" not in result.stderr + result.stdout


@pytest.fixture
def sandbox_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--port", "0", "--fault", '{"kind": "status", "status": 503}'],
        cwd=tmp_path,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("ServiceWatch sandbox listening on "), first
        url = first.rsplit(" ", 1)[1].strip()
        try:
            yield process, url
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_sandbox_command_serves_until_sigterm(
    sandbox_process: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    process, url = sandbox_process
    assert httpx.get(f"{url}/_sandbox/health").json() == {"ok": True}
    assert httpx.get(f"{url}/_sandbox/stats").json()["faults"] == 1  # the --fault given on the command line
    # The bot, pointed at it without SCP keys, signs with the sandbox keys; the 503 is retried away.
    ok = run_bot("check", cwd=tmp_path, SERVICEWATCH_ENDPOINT=url)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"a ServiceWatch sandbox at {url}" in ok.stdout
    # Wrong keys: the 401 says what is wrong, and the secret is not in it.
    bad = run_bot(
        "check",
        cwd=tmp_path,
        SERVICEWATCH_ENDPOINT=url,
        SCP_ACCESS_KEY="sandbox-access-key",
        SCP_SECRET_KEY="wrong-secret",
    )
    assert bad.returncode == 1
    assert "401" in bad.stdout
    assert "signature or the access keys are wrong" in bad.stdout
    assert "wrong-secret" not in bad.stdout + bad.stderr
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def test_sandbox_refuses_a_bad_fault(tmp_path: Path) -> None:
    result = run_bot("sandbox", "--fault", '{"kind": "explode"}', cwd=tmp_path)
    assert result.returncode == 2
    assert "kind must be one of" in result.stderr
