"""The layered images of SWE-bench instances: base, env (repository at a version), instance.

- base: the Debian image whose Python the spec asks for (3.11: bookworm, 3.9: bullseye), made
  with debootstrap when missing.
- env, one per repository version: the spec's packages installed from a host wheelhouse, and
  the repository's whole history at /testbed, checked out at environment_setup_commit.
- instance: the task's environment/Dockerfile (`instance_dockerfile`) on top: base_commit checked
  out, every later commit removed, the install command run, and an empty commit on top so that
  `git diff` shows only the agent's change.

The env layer is built on first use through an image recipe (`register_recipe`), so importing a
large instances file builds nothing. Repositories are fetched on the host into bare mirrors under
the cache; a URL that cannot be fetched is an error naming it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import docker

from agentlab.config import base_image, cache_dir
from agentlab.sandbox.downloads import HOST_TIMEOUT_S, link_files, run_host, wheelhouse
from agentlab.sandbox.errors import ImageBuildError
from agentlab.sandbox.images import Log, bootstrap_base, build_layer, image_exists
from agentlab.types import EnvironmentSpec
from environments.repo_issue.specs import Spec

WORKDIR = "/testbed"
SUITES = {"3.9": "bullseye", "3.11": "bookworm"}
GIT_IDENTITY = ("agentlab", "agentlab@localhost")
_MIRROR_LOCK = threading.Lock()
_CREDENTIALS = re.compile(r"(://)[^/@\s]+@")


def redact(text: str) -> str:
    """`text` with credentials in URLs (`https://user:token@host`) masked."""
    return _CREDENTIALS.sub(r"\1***@", text)


def base_for(python: str) -> tuple[str, str]:
    """(image name, Debian suite) that provides `python`."""
    suite = SUITES.get(python)
    if suite is None:
        known = ", ".join(f"{v} ({s})" for v, s in SUITES.items())
        raise ImageBuildError(f"no Debian suite here ships Python {python}; supported: {known}")
    return (base_image() if suite == "bookworm" else f"agentlab/base:{suite}", suite)


def mirror(url: str, commit: str) -> Path:
    """A bare mirror of `url` in the cache that contains `commit` (fetched again if it lacks it)."""
    with _MIRROR_LOCK:
        path = cache_dir() / "mirrors" / (hashlib.sha256(url.encode()).hexdigest()[:16] + ".git")
        if not path.is_dir():
            path.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".clone-", dir=path.parent))
            try:
                _git_host(["clone", "--quiet", "--mirror", url, str(staging / "repo.git")], url)
                os.rename(staging / "repo.git", path)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        if not _has_commit(path, commit):
            _git_host(["-C", str(path), "remote", "update", "--prune"], url)
        if not _has_commit(path, commit):
            raise ImageBuildError(f"commit {commit} is not in {redact(url)}")
        return path


def _has_commit(repo: Path, commit: str) -> bool:
    try:
        run_host(["git", "-C", str(repo), "cat-file", "-e", f"{commit}^{{commit}}"], timeout=60)
    except ImageBuildError:
        return False
    return True


def _git_host(args: list[str], url: str) -> None:
    try:  # no prompt: fail rather than wait for a password
        run_host(["git", *args], timeout=HOST_TIMEOUT_S, env={"GIT_TERMINAL_PROMPT": "0"})
    except ImageBuildError as exc:
        detail = str(exc).partition(":\n")[2].strip()
        raise ImageBuildError(f"cannot fetch repository {redact(url)}: {redact(detail)}") from None


@dataclass
class EnvRecipe:
    """Builds the env layer of one repository version; registered under `name`."""

    name: str
    url: str
    commit: str
    spec: Spec
    _tag: str | None = field(default=None, init=False)

    def __call__(self, client: docker.DockerClient, log: Log) -> str:
        if self._tag and image_exists(client, self._tag):
            return self._tag
        parent, suite = base_for(self.spec.python)
        if not image_exists(client, parent):
            bootstrap_base(client, parent, suite=suite, log=log)
        work = cache_dir() / "tmp"
        work.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="swe-env-", dir=work) as tmp:
            context = Path(tmp)
            self._prepare(context, log)
            self._tag = build_layer(
                client,
                repository="agentlab/swe-env",
                parent=parent,
                context=context,
                dockerfile=(context / "Dockerfile").read_text(),
                env=EnvironmentSpec(python_packages=self.spec.pip_packages),
                what=f"the env layer of {self.name}",
                log=log,
            )
        return self._tag

    def _prepare(self, context: Path, log: Log) -> None:
        source = mirror(self.url, self.commit)
        repo = context / "repo.git"  # a bare clone without the host's remote: no host paths
        run_host(["git", "clone", "--quiet", "--bare", "--local", str(source), str(repo)],
                 timeout=HOST_TIMEOUT_S)  # fmt: skip
        run_host(["git", "-C", str(repo), "remote", "remove", "origin"], timeout=60)
        lines = [
            "ARG BASE_IMAGE",
            "FROM ${BASE_IMAGE}",
            "ENV PIP_BREAK_SYSTEM_PACKAGES=1 PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1"
            " PIP_FIND_LINKS=/opt/agentlab/wheels",
            f"RUN git config --system user.name {GIT_IDENTITY[0]}"
            f" && git config --system user.email {GIT_IDENTITY[1]}"
            " && git config --system safe.directory '*'",
        ]
        if packages := self.spec.pip_packages:
            link_files(wheelhouse(packages, log, python=self.spec.python), context / "wheels")
            lines += [
                "COPY wheels /opt/agentlab/wheels",
                f"RUN python3 -m pip install -q {shlex.join(packages)}",
            ]
        lines += [
            f"COPY repo.git {WORKDIR}/.git",
            f"WORKDIR {WORKDIR}",
            "RUN git config core.bare false"
            f" && git -c advice.detachedHead=false checkout -q -f --detach {self.commit}",
        ]
        (context / "Dockerfile").write_text("\n".join(lines) + "\n")


def instance_dockerfile(instance_id: str, base_commit: str, install: str) -> str:
    """The instance layer: the repository at base_commit with no later history, installed."""
    cut = " && ".join([
        "git reset -q --hard",
        "git clean -qfdx",
        f"git -c advice.detachedHead=false checkout -q --detach {base_commit}",
        "git for-each-ref --format='%(refname)' | while read -r ref; do git update-ref -d"
        ' "$ref"; done',
        "git checkout -q -b main",
        "git reflog expire --expire=now --all",
        "git gc -q --prune=now",
    ])  # fmt: skip
    lines = ["ARG BASE_IMAGE", "FROM ${BASE_IMAGE}", f"WORKDIR {WORKDIR}", f"RUN {cut}"]
    if install.strip():
        lines.append(f"RUN {install}")
    message = f"agentlab: {instance_id} at {base_commit[:12]}"
    lines.append(f"RUN git commit -q --allow-empty -m {shlex.quote(message)}")
    return "\n".join(lines) + "\n"
