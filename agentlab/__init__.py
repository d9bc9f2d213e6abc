"""agentlab: run LLM agents against containerized task environments."""

from agentlab.agent import Agent, Limits
from agentlab.analysis.agreement import Agreement, verifier_agreement
from agentlab.analysis.charts import Chart, write_charts
from agentlab.analysis.importers import export_predictions, import_mini_swe_agent, import_swe_agent
from agentlab.analysis.passk import (
    Curve,
    CurvePoint,
    best_of_k_curve,
    majority_vote_curve,
    pass_at_k,
    pass_at_k_curve,
)
from agentlab.analysis.replay import (
    Counterfactual,
    PrefixDiverged,
    ReplayResult,
    counterfactual,
    replay,
)
from agentlab.analysis.report import write_report
from agentlab.analysis.run import Run, load_run
from agentlab.analysis.stats import (
    Comparison,
    iqm,
    paired_comparison,
    scores_by_task,
    stratified_bootstrap_ci,
)
from agentlab.campaign.runner import Campaign
from agentlab.config import base_image, cache_dir
from agentlab.cost import Budget, Ledger, Price, PriceTable
from agentlab.environment import TaskSetupError
from agentlab.graph_agent import GraphAgent
from agentlab.models.base import BudgetExceeded, ModelClient, ModelError
from agentlab.models.registry import get_model, model_provider
from agentlab.models.replay import ReplayMismatch, ReplayModel
from agentlab.models.sim import SimModel
from agentlab.planner import DagPlanner, PlanError, Scheduler, parse_plan, validate_plan
from agentlab.registry import judge, strategy
from agentlab.sandbox.base import Sandbox, SandboxProvider, SandboxSpec
from agentlab.sandbox.docker import DockerProvider, DockerSandbox
from agentlab.sandbox.errors import ImageBuildError, SandboxError
from agentlab.sandbox.images import bootstrap_base, ensure_image
from agentlab.sandbox.local import LocalProvider, LocalSandbox
from agentlab.sandbox.pool import SandboxPool
from agentlab.tasks import TaskFormatError, load_task, load_tasks, register_importer
from agentlab.tools import Submission, Tool, ToolBox, ToolError, default_tools, tool
from agentlab.trajectory import TrajectoryFormatError
from agentlab.trajectory import load as load_trajectory
from agentlab.trajectory import save as save_trajectory
from agentlab.trial import Judge, PairwiseJudge, Probe, SharedBudget, Strategy, TrialContext
from agentlab.types import (
    AgentSpec,
    ChecklistItem,
    Completion,
    Cost,
    EnvironmentSpec,
    ExecResult,
    Message,
    PluginSpec,
    Preference,
    Score,
    SnapshotRef,
    Step,
    Task,
    ToolCall,
    Trajectory,
    Usage,
    VerifierSpec,
)
from agentlab.validate import ValidationResult, validate_task, validate_tasks
from agentlab.verifier import run_verifier

__all__ = [
    "Agent",
    "AgentSpec",
    "Agreement",
    "Budget",
    "BudgetExceeded",
    "Campaign",
    "Chart",
    "ChecklistItem",
    "Comparison",
    "Completion",
    "Cost",
    "Counterfactual",
    "Curve",
    "CurvePoint",
    "DagPlanner",
    "DockerProvider",
    "DockerSandbox",
    "EnvironmentSpec",
    "ExecResult",
    "GraphAgent",
    "ImageBuildError",
    "Judge",
    "Ledger",
    "Limits",
    "LocalProvider",
    "LocalSandbox",
    "Message",
    "ModelClient",
    "ModelError",
    "PairwiseJudge",
    "PlanError",
    "PluginSpec",
    "Preference",
    "PrefixDiverged",
    "Price",
    "PriceTable",
    "Probe",
    "ReplayMismatch",
    "ReplayModel",
    "ReplayResult",
    "Run",
    "Sandbox",
    "SandboxError",
    "SandboxPool",
    "SandboxProvider",
    "SandboxSpec",
    "Scheduler",
    "Score",
    "SharedBudget",
    "SimModel",
    "SnapshotRef",
    "Step",
    "Strategy",
    "Submission",
    "Task",
    "TaskFormatError",
    "TaskSetupError",
    "Tool",
    "ToolBox",
    "ToolCall",
    "ToolError",
    "Trajectory",
    "TrajectoryFormatError",
    "TrialContext",
    "Usage",
    "ValidationResult",
    "VerifierSpec",
    "base_image",
    "best_of_k_curve",
    "bootstrap_base",
    "cache_dir",
    "counterfactual",
    "default_tools",
    "ensure_image",
    "export_predictions",
    "get_model",
    "import_mini_swe_agent",
    "import_swe_agent",
    "iqm",
    "judge",
    "load_run",
    "load_task",
    "load_tasks",
    "load_trajectory",
    "majority_vote_curve",
    "model_provider",
    "paired_comparison",
    "parse_plan",
    "pass_at_k",
    "pass_at_k_curve",
    "register_importer",
    "replay",
    "run_verifier",
    "save_trajectory",
    "scores_by_task",
    "strategy",
    "stratified_bootstrap_ci",
    "tool",
    "validate_plan",
    "validate_task",
    "validate_tasks",
    "verifier_agreement",
    "write_charts",
    "write_report",
]
