"""`python -m bot` as a person runs it: real processes, real ports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

import bot.__main__ as bot_main
from tests.fakes.slack import APP_TOKEN, fake_slack_in_thread
from tests.pngs import png_size
from tests.processes import clean_env

UNREACHABLE_DB = "postgresql+asyncpg://postgres@127.0.0.1:9/test"  # the discard port: nothing listens


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_here(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """`python -m bot ARGS` run in this process (what the command line does, minus a Python start-up of seconds):
    the same `main`, environment and folder as `run_bot` gives a process; logging left as the test runner set it."""

    def run(*args: str, cwd: Path, **env: str) -> Ran:
        for name in os.environ:
            monkeypatch.delenv(name)
        for name, value in clean_env(**env).items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(cwd)
        monkeypatch.setattr(bot_main, "setup_logging", lambda *_, **__: None)
        capsys.readouterr()
        code = bot_main.main(list(args))
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


def run_bot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_help_lists_the_commands_of_the_spec(tmp_path: Path) -> None:
    result = run_bot("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("run", "sandbox", "check", "chart", "migrate"):
        assert f"\n    {command} " in result.stdout


@pytest.mark.slow
def test_check_against_the_built_in_sandbox(tmp_path: Path) -> None:
    result = run_bot("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "the settings are valid" in result.stdout
    assert "built-in ServiceWatch sandbox" in result.stdout
    assert "ListMetricInfos: OK" in result.stdout
    assert "3 namespaces, 16 metrics" in result.stdout
    assert "API version:   servicewatch 1.2\n" in result.stdout
    assert "language:      each person's Slack locale" in result.stdout


def test_check_with_a_version_newer_than_the_known_ones_says_which_body_it_sends(
    run_here: Callable[..., Ran], tmp_path: Path
) -> None:
    result = run_here("check", cwd=tmp_path, SERVICEWATCH_API_VERSION="1.5")
    assert result.returncode == 0, result.stderr
    assert (
        "API version:   servicewatch 1.5 (newer than the versions this bot knows, 1.0–1.2: sent with the 1.2 body)"
        in result.stdout
    )
    assert "ListMetricInfos: OK" in result.stdout


@pytest.mark.parametrize(
    ("env", "lines", "failed"),
    [
        (
            {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_APP_TOKEN": APP_TOKEN},
            [
                "Slack bot token (auth.test): bot <@UBOT0001> in Acme: OK",
                "Slack app token (apps.connections.open): Socket Mode may connect: OK",
            ],
            None,
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-revoked", "SLACK_APP_TOKEN": "xapp-1-wrong"},
            [
                "Slack bot token (auth.test): FAILED: Slack refused SLACK_BOT_TOKEN (invalid_auth)",
                "Slack app token (apps.connections.open): FAILED: Slack refused SLACK_APP_TOKEN (invalid_auth)",
            ],
            "Not ready: Slack bot token, Slack app token failed (see above).",
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": "s", "DATABASE_URL": UNREACHABLE_DB},
            ["database: FAILED: ", "ListMetricInfos: OK", "Slack bot token (auth.test): bot <@UBOT0001>"],
            "Not ready: the database failed (see above).",
        ),
    ],
    ids=["all good", "tokens refused", "no database"],
)
def test_check_checks_everything_one_line_each(
    run_here: Callable[..., Ran], env: dict[str, str], lines: list[str], failed: str | None, tmp_path: Path
) -> None:
    with fake_slack_in_thread() as fake:
        result = run_here("check", cwd=tmp_path, SLACK_API_URL=fake.api_url, SERVICEWATCH_SANDBOX="true", **env)
    out = result.stdout.splitlines()
    for line in lines:
        assert any(printed.startswith(line) for printed in out), result.stdout + result.stderr
    assert result.returncode == (1 if failed else 0), result.stdout + result.stderr
    assert (out[-1] == failed) if failed else ("Not ready" not in result.stdout)
    assert "xoxb-" not in result.stdout  # no token is printed
    assert "xapp-" not in result.stdout


def test_check_against_a_retired_version_says_which_version_to_use(
    run_here: Callable[..., Ran], tmp_path: Path
) -> None:
    result = run_here("check", cwd=tmp_path, SERVICEWATCH_API_VERSION="1.0")
    assert result.returncode == 1
    assert "ListMetricInfos: FAILED" in result.stdout
    assert (
        "ServiceWatch answered 400 ValidationError: API version servicewatch 1.0 is no longer supported"
        in result.stdout
    )
    assert "set SERVICEWATCH_API_VERSION to a version it supports (try 1.2 or 1.1" in result.stdout
    assert result.stdout.splitlines()[-1] == "Not ready: ServiceWatch (servicewatch 1.0) failed (see above)."


def test_bad_settings_exit_2_with_every_problem(run_here: Callable[..., Ran], tmp_path: Path) -> None:
    result = run_here("check", cwd=tmp_path, SERVICEWATCH_API_VERSION="v1.2", SLACK_BOT_TOKEN="xoxp-secret-thing")
    assert result.returncode == 2
    assert "SERVICEWATCH_API_VERSION" in result.stderr
    assert "'v1.2' is not a ServiceWatch API version: write it as the API reference lists it, e.g. 1.2" in result.stderr
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


@pytest.mark.slow
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


def test_sandbox_refuses_a_bad_fault(run_here: Callable[..., Ran], tmp_path: Path) -> None:
    result = run_here("sandbox", "--fault", '{"kind": "explode"}', cwd=tmp_path)
    assert result.returncode == 2
    assert "kind must be one of" in result.stderr


# python -m bot chart -------------------------------------------------------------------------------------------


def test_chart_dry_run_prints_only_the_exact_body(run_here: Callable[..., Ran], tmp_path: Path) -> None:
    result = run_here(
        "chart",
        "Virtual Server:CPU Usage/Core[Basic]",
        "resource=web-01",
        "-3h",
        "--dry-run",
        "--now",
        "2026-11-27T12:00",
        "--tz",
        "Asia/Seoul",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert result.stdout == json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"
    nine, noon = (int(datetime(2026, 11, 27, h, tzinfo=ZoneInfo("Asia/Seoul")).timestamp()) for h in (9, 12))
    assert (body["start"], body["end"], body["period"], body["timezone"]) == (nine, noon, 300, "Asia/Seoul")
    assert body["metrics"][0]["display_name"] == "Virtual Server | web-01 | CPU Usage/Core[Basic]"
    assert body["title"] == "[Sandbox data] CPU Usage/Core[Basic] · web-01 · last 3h (Nov 27 09:00–12:00 KST) · AVG"


@pytest.mark.slow
def test_chart_out_writes_the_png_and_prints_the_words(tmp_path: Path) -> None:
    out = tmp_path / "web.png"
    result = run_bot(
        "chart", "lag", "yesterday", "--out", str(out), "--now", "2026-11-27T12:00", "--tz", "Asia/Seoul", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert png_size(out.read_bytes()) == (1400, 500)
    lines = result.stdout.splitlines()
    assert lines[0] == str(out)
    assert lines[1] == "*Replication Lag* · yesterday (Nov 26 00:00 – Nov 27 00:00 KST) · period 5m (auto) · MAX"
    assert (
        lines[2]
        == "_Sandbox data: synthetic numbers from the built-in ServiceWatch sandbox, not from your SCP account._"
    )
    assert lines[3].startswith("  orders-db: min ")
    assert lines[4].startswith("  orders-db-replica: min ")


def test_chart_without_out_goes_to_the_charts_folder(run_here: Callable[..., Ran], tmp_path: Path) -> None:
    result = run_here("chart", "transactions", "1h", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / result.stdout.splitlines()[0]
    assert path.parent.name == "charts"
    assert png_size(path.read_bytes()) == (1400, 500)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["cpu", "lst", "3h"],
            "“lst” beside “cpu” is neither a metric, a resource nor a word of the chart language. Did you mean `last`?",
        ),
        (["cpu", "3h"], "“cpu” could be 2 metrics"),
        (["CPU Usage/Core[Basic]", "lst", "3h"], "There is no metric “lst” in ServiceWatch. Did you mean `last`?"),
        (["lag", "period", "45s"], "whole minutes"),
        (["lag", "--now", "noon"], "--now 'noon' is not an ISO 8601 time"),
        (["lag", "--tz", "Mars/Base"], "is not a timezone"),
        (["lag", "--out"], "--out needs a value"),
    ],
)
def test_chart_errors_go_to_stderr_with_exit_2(
    run_here: Callable[..., Ran], tmp_path: Path, args: list[str], message: str
) -> None:
    result = run_here("chart", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def _unwritable(tmp_path: Path) -> Path:
    """A file in a place this user cannot write: a read-only folder, or for root (whom permission bits do not
    stop) under /sys, which the kernel refuses to hold new files."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o500)
        return folder / "web.png"
    if not Path("/sys").is_dir():
        pytest.skip("running as root with no /sys: no place here refuses root a new file")
    return Path("/sys/servicewatch-chart.png")


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (
            lambda tmp: tmp / "missing" / "deeper" / "web.png",
            "the folder {tmp}/missing/deeper does not exist. Create it first",
        ),
        (lambda tmp: tmp, "Cannot write {tmp}: it is a folder. Give --out a file name, e.g. {tmp}/chart.png."),
        (lambda tmp: tmp / "file.txt" / "web.png", "{tmp}/file.txt is not a folder."),
        (_unwritable, "Give --out a path you may write to."),
    ],
    ids=["missing folder", "a folder as the file", "a file as the folder", "no permission"],
)
def test_chart_out_that_cannot_be_written_exits_2_naming_the_path(
    run_here: Callable[..., Ran], out: Callable[[Path], Path], message: str, tmp_path: Path
) -> None:
    (tmp_path / "file.txt").write_text("not a folder")
    path = out(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.name != "bot.db")
    result = run_here("chart", "lag", "1h", "--out", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert f"Cannot write {path}: " in result.stderr
    assert message.format(tmp=tmp_path) in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.name != "bot.db") == before  # nothing made
    assert not path.is_file()


@pytest.mark.slow
def test_saved_charts_from_the_shell_and_migrate(tmp_path: Path) -> None:
    saved = run_bot("chart", "save", "db-lag", "Replication Lag", "resource=orders-db", "last", "6h", cwd=tmp_path)
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.startswith(
        'Saved `db-lag` for this channel: "Replication Lag" resource=orders-db last 6h (1 line).'
    )
    run = run_bot("chart", "db-lag", "2h", "--dry-run", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["metrics"][0]["display_name"] == "PostgreSQL(DBaaS) | orders-db | Replication Lag"
    migrated = run_bot("migrate", cwd=tmp_path)
    assert migrated.returncode == 0
    assert migrated.stdout.strip() == "sqlite+aiosqlite:///./bot.db is up to date."


@pytest.mark.slow
def test_chart_help(tmp_path: Path) -> None:
    result = run_bot("chart", "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m bot chart ARGS… [--out FILE] [--dry-run] [--now ISO] [--tz ZONE]")


@pytest.mark.parametrize(
    ("language", "args", "stream", "message"),
    [
        ("ko", ["lag", "--now", "noon"], "stderr", "--now 'noon'은(는) ISO 8601 시각이 아니에요."),
        ("ko", ["saved"], "stdout", "이 채널에는 아직 저장된 차트가 없어요."),
        ("auto", ["saved"], "stdout", "No saved charts in this channel yet."),  # no Slack locale: English
    ],
)
def test_the_command_line_speaks_bot_language(
    run_here: Callable[..., Ran], tmp_path: Path, language: str, args: list[str], stream: str, message: str
) -> None:
    result = run_here("chart", *args, cwd=tmp_path, BOT_LANGUAGE=language)
    assert message in getattr(result, stream), result.stderr
