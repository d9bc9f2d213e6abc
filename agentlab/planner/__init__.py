"""LLMCompiler-style planning: plans of tool calls, validated into DAGs, run event-driven."""

from agentlab.planner.loop import DagPlanner, Outcome, Round, Verdict
from agentlab.planner.plan import (
    Concat,
    Plan,
    PlanNode,
    PlanParser,
    PlanSyntaxError,
    Ref,
    parse_plan,
)
from agentlab.planner.scheduler import NodeResult, Scheduler, critical_path, makespan
from agentlab.planner.validate import PlanError, check_call, named_args, validate_plan

__all__ = [
    "Concat",
    "DagPlanner",
    "NodeResult",
    "Outcome",
    "Plan",
    "PlanError",
    "PlanNode",
    "PlanParser",
    "PlanSyntaxError",
    "Ref",
    "Round",
    "Scheduler",
    "Verdict",
    "check_call",
    "critical_path",
    "makespan",
    "named_args",
    "parse_plan",
    "validate_plan",
]
