"""How to build and test each repository at each version, and where its source comes from.

SWE-bench keeps this table in its harness; here it lives next to the instances, in a
`swebench.toml` in the same folder as the instances file:

    repo_url_template = "repos/{name}.bundle"   # relative paths: from this file's folder

    [specs."owner/name"."1.2"]         # a repository or a glob ("owner/*"); "*": any version
    python = "3.11"
    pip_packages = ["pytest==8.3.5"]
    install = "python3 -m pip install --no-build-isolation --no-deps -e ."
    test_cmd = "python3 -m pytest -rA -p no:cacheprovider"

Without the file, sources come from GitHub and every repository needs a spec given some other
way (a `swebench.toml` written next to the rows), so a missing spec is an error naming the
repository and version rather than a guess.
"""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from agentlab.tasks import TaskFormatError, describe_errors
from agentlab.types import Strict

CONFIG_FILE = "swebench.toml"
DEFAULT_URL_TEMPLATE = "https://github.com/{repo}.git"
ANY_VERSION = "*"
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://|^[^/]+@[^/]+:")  # scheme://... or user@host:path


class Spec(Strict):
    """One repository at one version: its interpreter, packages, install and test commands."""

    python: str = Field("3.11", pattern=r"^3\.\d+$")
    pip_packages: list[str] = Field(
        default_factory=list, description="installed from the wheelhouse into the env layer"
    )
    install: str = Field("", description="shell run in the repository at base_commit")
    test_cmd: str = "python3 -m pytest -rA -p no:cacheprovider"
    test_timeout_sec: float = Field(1800.0, gt=0)
    memory_mb: int = Field(2048, ge=64)


class DatasetConfig(Strict):
    repo_url_template: str = DEFAULT_URL_TEMPLATE
    specs: dict[str, dict[str, Spec]] = Field(default_factory=dict)
    source: Path | None = Field(None, description="the swebench.toml read; None: defaults")

    def spec_for(self, repo: str, version: str) -> Spec:
        """The spec of `repo` (exact, else the first glob such as "owner/*") at `version`
        (exact, else "*")."""
        tables = [self.specs[repo]] if repo in self.specs else []
        tables += [v for k, v in self.specs.items() if k != repo and fnmatchcase(repo, k)]
        spec = next((t.get(version) or t.get(ANY_VERSION) for t in tables), None)
        if spec is None:
            where = self.source or f"{CONFIG_FILE} next to the instances file"
            raise TaskFormatError(
                f"no spec for {repo}@{version}: add [specs.{_quote(repo)}.{_quote(version)}] "
                f"to {where} (python, pip_packages, install, test_cmd; docs/repo_issue.md)"
            )
        return spec


def load_config(instances: Path) -> DatasetConfig:
    """The swebench.toml beside `instances`, or the defaults when there is none."""
    path = instances.parent / CONFIG_FILE
    if not path.is_file():
        return DatasetConfig()
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text())
        return DatasetConfig.model_validate({**raw, "source": path})
    except tomllib.TOMLDecodeError as exc:
        raise TaskFormatError(f"{path}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        raise TaskFormatError(f"{path}: {describe_errors(exc)}") from exc


def repo_url(template: str, repo: str, *, relative_to: Path) -> str:
    """The repository's clone URL: `{repo}`, `{owner}` and `{name}` filled in; a relative path
    is taken from `relative_to`."""
    owner, _, name = repo.partition("/")
    try:
        url = template.format(repo=repo, owner=owner, name=name)
    except (KeyError, IndexError, ValueError) as exc:
        raise TaskFormatError(
            f"repository URL template {template!r}: use {{repo}}, {{owner}} and {{name}} ({exc})"
        ) from None
    if _URL_SCHEME.match(url) or Path(url).is_absolute():
        return url
    return str((relative_to / url).resolve())


def _quote(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f'"{key}"'
