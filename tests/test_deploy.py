"""The deployment files, checked offline: the Kubernetes manifests render with kustomize and validate strictly
against the API schemas of the Kubernetes versions SCP's Kubernetes Engine offers (kubernetes-validate, from PyPI),
and say what the bot needs; the Dockerfile and .dockerignore keep the image small, non-root and free of secrets.
Building and running them is tests/containers/ (slow)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from bot.config import Settings
from bot.run import DRAIN_SECONDS
from bot.slack.http import EVENTS_PATH
from bot.slack.install import INSTALL_PATH, REDIRECT_PATH
from bot.slack.links import PATH as CHART_LINKS

ROOT = Path(__file__).resolve().parents[1]
KUBERNETES = ROOT / "deploy" / "kubernetes"
VERSIONS = ("1.29.0", "1.31.0", "1.33.0")  # SCP Kubernetes Engine's, and the newest this validator knows well


@pytest.fixture(scope="module")
def rendered() -> list[dict[str, Any]]:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl (its kustomize) is not on this machine")
    out = subprocess.run(["kubectl", "kustomize", str(KUBERNETES)], capture_output=True, text=True, check=True)
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def of_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    (found,) = [doc for doc in docs if doc["kind"] == kind]
    return found


def test_the_manifests_render_every_part(rendered: list[dict[str, Any]]) -> None:
    kinds = sorted(doc["kind"] for doc in rendered)
    assert kinds == ["ConfigMap", "Deployment", "Ingress", "PodDisruptionBudget", "Secret", "Service"]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_manifest_validates_strictly(rendered: list[dict[str, Any]], version: str) -> None:
    for doc in rendered:
        kubernetes_validate.validate(doc, version, strict=True)  # raises on a field Kubernetes does not know


def test_a_wrong_field_is_caught(rendered: list[dict[str, Any]]) -> None:
    deployment = of_kind(rendered, "Deployment")
    broken = yaml.safe_load(yaml.safe_dump(deployment).replace("containerPort:", "containerPorts:"))
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[0], strict=True)


def test_the_deployment_runs_two_locked_down_replicas_with_the_bots_probes(rendered: list[dict[str, Any]]) -> None:
    deployment = of_kind(rendered, "Deployment")
    spec = deployment["spec"]["template"]["spec"]
    (bot,) = spec["containers"]
    (migrate,) = spec["initContainers"]
    assert deployment["spec"]["replicas"] == 2
    assert migrate["args"] == ["migrate"]  # `python -m bot migrate` before the bot starts
    assert bot["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert bot["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert spec["securityContext"]["runAsNonRoot"] is True
    for container in (bot, migrate):
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert {m["mountPath"] for m in container["volumeMounts"]} == {"/tmp", "/var/lib/bot"}
        assert "limits" in container["resources"]
    assert spec["terminationGracePeriodSeconds"] > DRAIN_SECONDS  # the drain ends before Kubernetes kills
    port = of_kind(rendered, "ConfigMap")["data"]["BOT_HTTP_PORT"]
    assert bot["ports"][0]["containerPort"] == int(port)
    budget = of_kind(rendered, "PodDisruptionBudget")
    assert budget["spec"]["minAvailable"] == 1


def test_the_ingress_reaches_every_path_slack_and_browsers_use(rendered: list[dict[str, Any]]) -> None:
    paths = [p["path"] for rule in of_kind(rendered, "Ingress")["spec"]["rules"] for p in rule["http"]["paths"]]
    for used in (EVENTS_PATH, INSTALL_PATH, REDIRECT_PATH, CHART_LINKS + "token"):
        assert any(used.startswith(prefix) for prefix in paths), used
    assert not any(p in ("/", "/metrics", "/healthz", "/readyz") for p in paths)  # those stay in the cluster


def test_the_settings_named_are_the_bots(rendered: list[dict[str, Any]]) -> None:
    names = set(of_kind(rendered, "ConfigMap")["data"]) | set(of_kind(rendered, "Secret")["stringData"])
    known = {name.upper() for name in Settings.model_fields}
    assert names <= known, names - known


def test_nothing_in_them_works_on_one_cloud_only() -> None:
    text = "\n".join(path.read_text() for path in KUBERNETES.glob("*.yaml"))
    for vendor in ("amazonaws", "eks.", "gke", "cloud.google", "azure", "aliyun", "samsungsdscloud"):
        assert vendor not in text


def test_the_image_is_built_non_root_with_a_healthcheck_and_no_secret_in_its_context() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    final = dockerfile.split("\nFROM ")[-1]
    assert re.search(r"^USER bot$", final, re.MULTILINE)
    assert "HEALTHCHECK" in final
    assert "/healthz" in final
    assert 'ENTRYPOINT ["python", "-m", "bot"]' in final
    assert "COPY --from=build /opt/venv /opt/venv" in final  # the environment alone: no sources, no build tools
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    allowed = [line.removeprefix("!") for line in ignored if line.startswith("!")]
    assert "*" in ignored  # everything is left out, but what is named
    assert not any(name.startswith((".env", ".git", "tests", "bench")) for name in allowed)
