"""Host-side downloads that let images install packages with no network: wheels and .debs.

Sandboxes and image builds run with network none, so packages are fetched on the host once
(pip download; apt-get download of a package's dependency closure, indexed with
dpkg-scanpackages), cached under the agentlab cache folder, and copied into build contexts.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

from agentlab.config import cache_dir, wheelhouse_dir
from agentlab.sandbox.errors import ImageBuildError

Log = Callable[[str], None]
HOST_TIMEOUT_S = 900.0  # pip/apt downloads, tar, indexing
LOG_TAIL_LINES = 30
COMPLETE_MARKER = ".complete"
_UNRESOLVED = re.compile(r"No matching distribution found for (\S+)")


def tail(text: str, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def wheelhouse(packages: list[str], log: Log, *, python: str | None = None) -> Path:
    """A directory with wheels for `packages` and their dependencies, downloaded once.

    Wheels come from the package index, or only from $AGENTLAB_WHEELHOUSE when it is set. With
    `python` ("3.9") they are chosen for that interpreter rather than the host's, binary only.
    """
    source = wheelhouse_dir()
    options = ["--no-index", "--find-links", str(source)] if source else []
    if python and python != f"{sys.version_info[0]}.{sys.version_info[1]}":
        options += ["--python-version", python, "--only-binary=:all:"]
    dest = cache_dir() / "wheelhouse" / _list_hash([*packages, *options])
    if (dest / COMPLETE_MARKER).is_file():
        return dest
    _fresh_dir(dest)
    log(f"downloading wheels for {' '.join(packages)}")
    command = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check"]
    try:
        run_host([*command, *options, "--dest", str(dest), *packages], timeout=HOST_TIMEOUT_S)
    except ImageBuildError as exc:
        where = f"the wheelhouse {source}" if source else "the package index"
        if missing := _UNRESOLVED.findall(str(exc)):
            raise ImageBuildError(
                f"cannot resolve {', '.join(sorted(set(missing)))} from {where}"
                + (f" for Python {python}" if python else "")
                + f" (needed for {' '.join(packages)})"
            ) from exc
        raise
    (dest / COMPLETE_MARKER).touch()
    return dest


def apt_repo(packages: list[str], log: Log) -> Path:
    """A flat apt repository with `packages` and their recursive dependencies, downloaded once."""
    dest = cache_dir() / "apt" / _list_hash(packages)
    if (dest / COMPLETE_MARKER).is_file():
        return dest
    for tool in ("apt-get", "apt-cache"):
        if shutil.which(tool) is None:
            raise ImageBuildError(f"{tool} is missing; offline apt packages need a Debian host")
    if shutil.which("dpkg-scanpackages") is None:
        raise ImageBuildError(
            "dpkg-scanpackages is missing; install it with apt-get install dpkg-dev"
        )
    known = run_host(["apt-cache", "pkgnames"], timeout=HOST_TIMEOUT_S).split()
    if not known:
        log("apt knows no packages; running apt-get update")
        run_host(["apt-get", "update"], timeout=HOST_TIMEOUT_S)
        known = run_host(["apt-cache", "pkgnames"], timeout=HOST_TIMEOUT_S).split()
    # checked first: apt-cache takes an unknown name for a pattern and matches others
    unknown = sorted(set(packages) - set(known))
    if unknown:
        raise ImageBuildError(f"apt on this host does not know {' '.join(unknown)}")
    names = _apt_closure(packages)
    if missing := sorted(set(packages) - set(names)):
        raise ImageBuildError(f"apt on this host has nothing to download for {' '.join(missing)}")
    _fresh_dir(dest)
    log(f"downloading {len(names)} .deb files for {' '.join(packages)}")
    run_host(["apt-get", "download", *names], timeout=HOST_TIMEOUT_S, cwd=dest)
    with (dest / "Packages").open("wb") as index:
        scan = ["dpkg-scanpackages", ".", "/dev/null"]
        run_host(scan, timeout=HOST_TIMEOUT_S, cwd=dest, stdout=index)
    (dest / COMPLETE_MARKER).touch()
    return dest


def _apt_closure(packages: list[str]) -> list[str]:
    """`packages` and everything they depend on, recursively, that apt can download."""
    tree = run_host(
        [
            "apt-cache",
            "depends",
            "--recurse",
            "--no-recommends",
            "--no-suggests",
            "--no-conflicts",
            "--no-breaks",
            "--no-replaces",
            "--no-enhances",
            *packages,
        ],
        timeout=HOST_TIMEOUT_S,
    )
    # unindented lines are the packages; <virtual> ones have nothing to download
    names = sorted(
        {
            line.strip().partition(":")[0]
            for line in tree.splitlines()
            if line.strip() and not line[0].isspace() and not line.startswith("<")
        }
    )
    policy = run_host(["apt-cache", "policy", *names], timeout=HOST_TIMEOUT_S)
    downloadable: list[str] = []
    current = ""
    for line in policy.splitlines():
        if line and not line[0].isspace():
            current = line.rstrip(":").partition(":")[0]
        elif line.strip().startswith("Candidate:") and line.split()[-1] != "(none)":
            downloadable.append(current)
    return sorted(set(downloadable))


def run_host(
    cmd: list[str],
    *,
    timeout: float,
    cwd: Path | None = None,
    stdout: IO[bytes] | None = None,
    env: dict[str, str] | None = None,
) -> str:
    """Runs a host command in its own process group (all killed on timeout); returns its stdout.

    `env` adds variables to the inherited environment.
    """
    try:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env={**os.environ, **env} if env else None,
            stdout=stdout or subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise ImageBuildError(f"could not run {cmd[0]}: {exc}") from exc
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        problem = f"timed out after {timeout:.0f}s"
    else:
        if proc.returncode == 0:
            return (out or b"").decode("utf-8", "replace")
        problem = f"failed with exit code {proc.returncode}"
    output = ((out or b"") + b"\n" + (err or b"")).decode("utf-8", "replace")
    raise ImageBuildError(f"`{shlex.join(cmd[:4])}` {problem}:\n{tail(output)}")


def _list_hash(items: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(items)).encode()).hexdigest()[:16]


def _fresh_dir(path: Path) -> None:
    """An empty `path`: whatever an interrupted download left there is discarded."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)


def link_files(source: Path, dest: Path) -> None:
    """Puts the files of a cache directory into a build context, hard-linked where possible."""
    dest.mkdir()
    for item in sorted(source.iterdir()):
        if item.name == COMPLETE_MARKER or not item.is_file():
            continue
        try:
            os.link(item, dest / item.name)
        except OSError:
            shutil.copy2(item, dest / item.name)
