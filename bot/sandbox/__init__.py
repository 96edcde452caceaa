"""A local ServiceWatch-compatible server: the bot runs and is tested with no SCP account."""

from bot.sandbox.faults import Fault, FaultPlan
from bot.sandbox.server import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, Sandbox

__all__ = ["SANDBOX_ACCESS_KEY", "SANDBOX_SECRET_KEY", "Fault", "FaultPlan", "Sandbox"]
