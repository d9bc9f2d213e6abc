"""LLMCompiler-style planning: plans of tool calls, validated into DAGs, run event-driven."""

from agentlab.planner.plan import Plan, PlanNode, PlanParser, PlanSyntaxError, Ref, parse_plan
from agentlab.planner.scheduler import NodeResult, Scheduler, critical_path, makespan
from agentlab.planner.validate import PlanError, named_args, validate_plan

__all__ = [
    "NodeResult",
    "Plan",
    "PlanError",
    "PlanNode",
    "PlanParser",
    "PlanSyntaxError",
    "Ref",
    "Scheduler",
    "critical_path",
    "makespan",
    "named_args",
    "parse_plan",
    "validate_plan",
]
