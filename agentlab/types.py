"""Pydantic models that cross a boundary or are persisted (DESIGN §4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1

Difficulty = Literal["easy", "medium", "hard"]


class Strict(BaseModel):
    """Base for models read from user files: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ExecResult(BaseModel):
    """What one command in a sandbox produced."""

    exit_code: int
    stdout: str
    stderr: str
    timed_out: bool = False
    truncated: bool = False
    duration_s: float = 0.0
    cpu_s: float = Field(0.0, description="CPU seconds of the command and what it waited for")

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out


class SnapshotRef(BaseModel):
    """A saved state of a sandbox's workspace, restorable in that sandbox or forked from."""

    sandbox_id: str
    snapshot_id: str


def _megabytes(text: str, field: str) -> int:
    """`4G`, `512M`, `2048` (MB) -> megabytes."""
    units = {"": 1, "M": 1, "MB": 1, "G": 1024, "GB": 1024, "T": 1 << 20, "TB": 1 << 20}
    number = text.strip().upper().rstrip("I")
    digits = number.rstrip("MGTB")
    try:
        return int(float(digits) * units[number[len(digits) :]])
    except (ValueError, KeyError):
        raise ValueError(f"{field} {text!r}: expected a size such as 512M or 4G") from None


class EnvironmentSpec(Strict):
    """[environment] of task.toml: what the sandbox is built from and the limits it runs under."""

    image: str | None = Field(
        None,
        validation_alias=AliasChoices("image", "docker_image"),  # Harbor says docker_image
        description="image to start from; default the base image",
    )
    dockerfile: bool = Field(
        False, description="set by the loader when environment/Dockerfile exists"
    )
    workdir: str = Field("/workspace", description="default: the image's WORKDIR with a Dockerfile")
    user: str | None = Field(None, description="the user the agent's commands run as")
    cpus: float = Field(1.0, gt=0)
    memory_mb: int = Field(1024, ge=16)
    memory: str | None = Field(None, description='Harbor\'s "4G" form; sets memory_mb')
    storage_mb: int | None = Field(None, ge=1, description="accepted, not enforceable here")
    storage: str | None = Field(None, description='Harbor\'s "10G" form of storage_mb')
    gpus: int = Field(0, ge=0)
    pids_limit: int = Field(256, ge=8)
    allow_internet: bool = False
    cap_add: list[str] = Field(default_factory=list, description="capabilities on top of none")
    no_new_privileges: bool = True
    python_packages: list[str] = Field(
        default_factory=list, description="installed from the wheelhouse"
    )
    offline_apt_packages: list[str] = Field(
        default_factory=list,
        description="made installable inside the sandbox with `apt install` from a local source",
    )
    build_timeout_sec: float = Field(900.0, gt=0)

    @field_validator("gpus")
    @classmethod
    def _no_gpus(cls, value: int) -> int:
        if value:
            raise ValueError("sandboxes have no GPUs here; gpus must be 0")
        return value

    @field_validator("allow_internet")
    @classmethod
    def _no_internet(cls, value: bool) -> bool:
        if value:
            raise ValueError("sandboxes have no network here; allow_internet must be false")
        return value

    @model_validator(mode="after")
    def _memory_text(self) -> EnvironmentSpec:
        if self.memory is not None:
            self.memory_mb = _megabytes(self.memory, "memory")
        if self.storage is not None:
            self.storage_mb = _megabytes(self.storage, "storage")
        return self

    @property
    def needs_container(self) -> bool:
        """True when only a container can provide this environment faithfully."""
        return bool(
            self.dockerfile
            or self.image
            or self.user
            or self.cap_add
            or self.python_packages
            or self.offline_apt_packages
            or not self.no_new_privileges
        )


class VerifierSpec(Strict):
    """[verifier]: how the hidden tests run after the agent finishes."""

    timeout_sec: float = Field(120.0, gt=0)
    pass_threshold: float = Field(1.0, ge=0, le=1, description="reward at or above which it passed")
    env: dict[str, str] = Field(default_factory=dict, description="variables the tests see")
    user: str | None = Field(None, description="who runs the tests; default the admin (root)")


class AgentSpec(Strict):
    """[agent]: what the agent gets."""

    timeout_sec: float = Field(600.0, gt=0)
    setup_timeout_sec: float | None = Field(None, gt=0, description="Harbor: agent installation")
    user: str | None = Field(None, description="Harbor's name for [environment] user")
    wants_answer: bool = Field(
        False, description="the task is a question; the final answer is graded"
    )


class ChecklistSpec(Strict):
    items: list[str] = Field(default_factory=list)


class Task(Strict):
    """One task, loaded from a task directory (DESIGN §5) or imported from another format."""

    id: str
    family: str = "custom"
    difficulty: Difficulty = "medium"
    tags: list[str] = Field(default_factory=list)
    version: str | None = None
    schema_version: str | None = None
    source: str | None = None
    task: dict[str, object] = Field(default_factory=dict, description="Harbor's [task] table")
    solution: dict[str, object] = Field(default_factory=dict, description="Harbor's [solution]")
    instruction: str = ""
    environment: EnvironmentSpec = Field(default_factory=EnvironmentSpec)
    verifier: VerifierSpec = Field(default_factory=VerifierSpec)
    agent: AgentSpec = Field(default_factory=AgentSpec)
    checklist: ChecklistSpec = Field(default_factory=ChecklistSpec)
    metadata: dict[str, object] = Field(default_factory=dict)
    path: Path | None = Field(None, description="the task directory; set by the loader")

    @property
    def environment_dir(self) -> Path | None:
        return self._sub("environment")

    @property
    def tests_dir(self) -> Path | None:
        return self._sub("tests")

    @property
    def solution_dir(self) -> Path | None:
        return self._sub("solution")

    def _sub(self, name: str) -> Path | None:
        if self.path is None:
            return None
        sub = self.path / name
        return sub if sub.is_dir() else None


# -- model calls (OpenAI chat shapes) ----------------------------------------------------------

Role = Literal["system", "user", "assistant", "tool"]
UsageRole = Literal["policy", "planner", "judge", "value", "verifier"]


class ToolCall(BaseModel):
    """A function call a model asked for; `arguments` is the raw JSON text it produced."""

    id: str
    name: str
    arguments: str


class Message(BaseModel):
    """One chat message. Tool results are `tool` messages answering a `tool_call_id`."""

    role: Role
    content: str | None = None
    tool_calls: list[ToolCall] = Field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None


class Usage(BaseModel):
    """Tokens as the provider reported them (never estimated when reported), and their role."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    role: UsageRole = "policy"

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
            role=self.role,
        )

    def __sub__(self, other: Usage) -> Usage:
        """What was added since `other`, a total this one grew from."""
        return Usage(
            prompt_tokens=self.prompt_tokens - other.prompt_tokens,
            completion_tokens=self.completion_tokens - other.completion_tokens,
            cached_tokens=self.cached_tokens - other.cached_tokens,
            role=self.role,
        )


class Cost(BaseModel):
    """What some calls and sandbox work cost. `usd` is None when a model had no price (its
    names are in `unpriced`); `flops` is None when a model's parameter count is unknown."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    usd: float | None = 0.0
    flops: float | None = 0.0
    sandbox_cpu_s: float = 0.0
    sandbox_wall_s: float = 0.0
    unpriced: list[str] = Field(default_factory=list)

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            calls=self.calls + other.calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
            usd=None if self.usd is None or other.usd is None else self.usd + other.usd,
            flops=None if self.flops is None or other.flops is None else self.flops + other.flops,
            sandbox_cpu_s=self.sandbox_cpu_s + other.sandbox_cpu_s,
            sandbox_wall_s=self.sandbox_wall_s + other.sandbox_wall_s,
            unpriced=sorted({*self.unpriced, *other.unpriced}),
        )


class Choice(BaseModel):
    message: Message
    finish_reason: str = "stop"


class Completion(BaseModel):
    """What one model call returned: n choices, the usage for all of them, and its latency."""

    model: str
    choices: list[Choice]
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0


# -- judgements ------------------------------------------------------------------------------


class ChecklistItem(BaseModel):
    """One yes/no requirement of a checklist and the judge's answer (None: it gave none)."""

    text: str
    met: bool | None = None
    rationale: str = ""


class Score(BaseModel):
    """A judge's verdict on one trajectory.

    A judge that could not judge (its model failed) gives a *missing* score: `value` None,
    `passed` False and `error` saying why. Missing is neither a zero nor a failure: consumers
    leave such scores out of rates and means.
    """

    judge: str
    value: float | None = Field(ge=0, le=1)
    passed: bool
    rationale: str = ""
    metrics: dict[str, float] = Field(default_factory=dict)
    details: dict[str, object] = Field(default_factory=dict)
    items: list[ChecklistItem] = Field(default_factory=list, description="checklist judges")
    usage: Usage | None = Field(None, description="the judge's own model calls")
    duration_s: float = 0.0
    error: str | None = None

    @model_validator(mode="after")
    def _missing_has_a_reason(self) -> Score:
        if self.value is None and (self.passed or not self.error):
            raise ValueError("a missing score (value None) has passed=False and an error")
        return self

    @property
    def missing(self) -> bool:
        return self.value is None


Winner = Literal["a", "b", "tie"]


class Preference(BaseModel):
    """A pairwise judge's verdict on two trajectories; `winner` None when it is missing."""

    judge: str
    winner: Winner | None
    consistent: bool = Field(True, description="both orders gave the same verdict")
    rationale: str = ""
    usage: Usage | None = None
    duration_s: float = 0.0
    error: str | None = None


# -- trajectories ------------------------------------------------------------------------------

StepKind = Literal["model_call", "tool_call", "plan", "judge"]
EndReason = Literal["submitted", "max_steps", "budget", "timeout", "model_error", "env_error"]
TrialStatus = Literal["pending", "running", "finished", "error"]


class Step(BaseModel):
    """One recorded event of a trial: a model call, a tool call, a plan or a judgement."""

    kind: StepKind
    inputs: dict[str, Any] = Field(default_factory=dict)
    outputs: dict[str, Any] = Field(default_factory=dict)
    usage: Usage | None = None
    started_s: float = Field(0.0, description="seconds since the trial started")
    duration_s: float = 0.0
    error: str | None = None


class PluginSpec(BaseModel):
    """A registered plug-in and the constructor arguments it was built with."""

    kind: Literal["strategy", "judge"]
    name: str
    args: dict[str, Any] = Field(default_factory=dict)

    def __str__(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in sorted(self.args.items()))
        return f"{self.name}:{args}" if args else self.name


class Trajectory(BaseModel):
    """Everything one trial did, enough to score, cost and replay it (DESIGN §4)."""

    schema_version: int = SCHEMA_VERSION
    trial_id: str = ""
    task_id: str
    strategy: PluginSpec | None = None
    model: str = ""
    seed: int = 0
    messages: list[Message] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    branches: list[Trajectory] = Field(default_factory=list, description="tree searches")
    answer: str | None = Field(None, description="the final submission: an answer or a patch")
    patch: str | None = Field(
        None, description="the workspace's changes as a git diff, when it is a repository"
    )
    end_reason: EndReason | None = None
    scores: list[Score] = Field(default_factory=list)
    status: TrialStatus = "pending"
    error: str | None = None
    image: str | None = Field(None, description="the environment image the trial ran in")
    duration_s: float = 0.0
    cost: dict[str, Cost] = Field(
        default_factory=dict, description="the trial's ledger by role (agentlab.cost)"
    )
    parent: str | None = Field(None, description="a counterfactual's original trial")
    from_step: int | None = Field(None, description="the parent's step it continued from")

    @property
    def usage(self) -> Usage:
        """Tokens of every model call of the trial: its steps', its judges' and its branches'.
        A score copied from a branch (best_of_n's result) carries no usage of its own."""
        total = Usage()
        for usage in [s.usage for s in self.steps] + [s.usage for s in self.scores]:
            if usage is not None:
                total = total + usage
        for branch in self.branches:
            total = total + branch.usage
        return total
