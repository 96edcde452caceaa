"""The fake Slack's Workflow Builder custom steps, as Slack documents them (docs.slack.dev: custom steps for Bolt
apps; `function_executed`; `functions.completeSuccess`, `functions.completeError`):

- a step is a function of the app's manifest (`functions.<callback_id>`, its `input_parameters` and
  `output_parameters`); Workflow Builder runs it only with the inputs it declares, its required ones filled
  (`fake.run_step`, which refuses anything else as Workflow Builder would not send it);
- a run sends `function_executed` with `function.callback_id`, `inputs`, a `function_execution_id` and a
  `bot_access_token` good for that run (a JIT token of the workspace);
- `functions.completeSuccess` takes the run's id and `outputs` (every required output, no undeclared one, a string
  for a `string`); `functions.completeError` its id and a non-empty `error`; a run ends once (`execution_ended`
  after), and an unknown id is `function_execution_not_found`. These two error names are the fake's own: Slack's
  reference for them names none this fake could be held to."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.fakes.slack_oauth import Grant


@dataclass
class Execution:
    callback_id: str
    inputs: dict[str, Any]
    team: str
    token: str
    outputs: dict[str, Any] | None = None
    error: str | None = None

    @property
    def ended(self) -> bool:
        return self.outputs is not None or self.error is not None


@dataclass
class Steps:
    functions: dict[str, Any]  # callback_id → its manifest definition
    executions: dict[str, Execution] = field(default_factory=dict)


def manifest_functions(manifest: Path) -> dict[str, Any]:
    return dict(yaml.safe_load(manifest.read_text()).get("functions") or {})


def _parameters(definition: dict[str, Any], kind: str) -> tuple[dict[str, Any], list[str]]:
    declared = definition.get(kind) or {}
    return dict(declared.get("properties") or {}), list(declared.get("required") or [])


class WorkflowMethods:
    """functions.completeSuccess and functions.completeError, and running a step as a workflow does."""

    steps: Steps

    def _execution(self, params: dict[str, Any]) -> Execution:
        execution = self.steps.executions.get(str(params.get("function_execution_id") or ""))
        if execution is None:
            raise self.error("function_execution_not_found")
        if execution.ended:
            raise self.error("execution_ended")
        return execution

    def _functions_completeSuccess(self, params: dict[str, Any]) -> dict[str, Any]:
        execution = self._execution(params)
        outputs = params.get("outputs")
        if isinstance(outputs, str):
            outputs = json.loads(outputs)
        if not isinstance(outputs, dict):
            raise self.error("invalid_arguments", detail="outputs")
        declared, required = _parameters(self.steps.functions[execution.callback_id], "output_parameters")
        missing = [name for name in required if outputs.get(name) in (None, "")]
        unknown = [name for name in outputs if name not in declared]
        wrong = [
            n for n, v in outputs.items() if declared.get(n, {}).get("type") == "string" and not isinstance(v, str)
        ]
        if missing or unknown or wrong:
            raise self.error("invalid_outputs", missing=missing, unknown=unknown, wrong_type=wrong)
        execution.outputs = outputs
        return {"ok": True}

    def _functions_completeError(self, params: dict[str, Any]) -> dict[str, Any]:
        execution = self._execution(params)
        error = params.get("error")
        if not isinstance(error, str) or not error.strip():
            raise self.error("invalid_arguments", detail="error")
        execution.error = error
        return {"ok": True}

    async def run_step(self, callback_id: str, inputs: dict[str, Any], *, team: str = "") -> str:
        """A workflow runs the app's step `callback_id` with `inputs`: `function_executed` is sent. The run's id
        (`fake.steps.executions[id]` holds how it ended)."""
        team = team or self.calling_team
        definition = self.steps.functions.get(callback_id)
        assert definition is not None, f"the manifest declares no function {callback_id!r}"
        declared, required = _parameters(definition, "input_parameters")
        assert set(inputs) <= set(declared), (
            f"Workflow Builder sends only declared inputs: {set(inputs) - set(declared)}"
        )
        assert all(inputs.get(name) not in (None, "") for name in required), "a required input is not filled"
        token = f"xwfp-{team}-{secrets.token_hex(8)}"
        self.installs.grants[token] = Grant(token, team)
        execution_id = f"Fx{secrets.token_hex(5).upper()}"
        self.steps.executions[execution_id] = Execution(callback_id, dict(inputs), team, token)
        event = {
            "type": "function_executed",
            "function": {
                "id": f"Fn{secrets.token_hex(5).upper()}",
                "callback_id": callback_id,
                "title": definition.get("title", ""),
                "description": definition.get("description", ""),
                "type": "app",
                "input_parameters": [{"name": n, **p} for n, p in declared.items()],
                "output_parameters": [
                    {"name": n, **p} for n, p in _parameters(definition, "output_parameters")[0].items()
                ],
                "app_id": self.installs.app_id,
                "date_created": int(time.time()),
            },
            "inputs": dict(inputs),
            "function_execution_id": execution_id,
            "workflow_execution_id": f"Wx{secrets.token_hex(5).upper()}",
            "bot_access_token": token,
        }
        answer = await self.installs.event(team, event)
        assert answer.status_code == 200, answer.text
        return execution_id
