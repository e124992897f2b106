"""prefect.yaml names flows that exist, with parameters those flows take, and schedules the monthly
mail deployments run on (a typo there would only show when the schedule fires)."""

from __future__ import annotations

import importlib
import inspect

import yaml
from prefect import Flow

from tests.conftest import ROOT


def _deployments() -> list[dict[str, object]]:
    text = (ROOT / "prefect.yaml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    return list(loaded["deployments"])


def test_every_deployment_names_a_flow_and_only_parameters_it_takes() -> None:
    for deployment in _deployments():
        module, _, name = str(deployment["entrypoint"]).partition(":")
        flow = getattr(importlib.import_module(module.removesuffix(".py").replace("/", ".")), name)
        assert isinstance(flow, Flow), deployment["name"]
        taken = set(inspect.signature(flow.fn).parameters)
        assert set(dict(deployment.get("parameters") or {})) <= taken, deployment["name"]


def test_the_monthly_mails_are_scheduled_for_mentors_and_mentees() -> None:
    monthly = {d["name"]: d for d in _deployments() if str(d["entrypoint"]).startswith("flows/digests.py")}
    assert {name: dict(d["parameters"])["kind"] for name, d in monthly.items()} == {
        "monthly-mentor-digests": "mentor",
        "monthly-attestation-requests": "attestation",
    }
    for deployment in monthly.values():
        (schedule,) = deployment["schedules"]
        assert schedule["cron"].split()[2:] == ["1", "*", "*"]  # the first of every month
