"""Offline image building through the docker SDK: the base image, dependency layers, task images.

Sandboxes have no network, and often neither has the engine, so everything a task needs is
fetched on the host (wheels with pip, .deb files with apt) and built into images with
network_mode="none". Built tags are content-addressed, so unchanged tasks are never rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import docker
import docker.errors
import requests
from docker.utils import parse_repository_tag

from agentlab.config import base_image, cache_dir
from agentlab.sandbox.docker import LABEL
from agentlab.sandbox.downloads import (
    HOST_TIMEOUT_S,
    apt_repo,
    link_files,
    run_host,
    tail,
    wheelhouse,
)
from agentlab.sandbox.errors import ImageBuildError, SandboxError
from agentlab.types import EnvironmentSpec

Log = Callable[[str], None]
Recipe = Callable[[docker.DockerClient, Log], str]
"""Builds (or finds) an image and returns its tag; called with the build lock held."""
_BUILD_LOCK = threading.Lock()
_recipes: dict[str, Recipe] = {}
logger = logging.getLogger(__name__)

BASE_PACKAGES = "python3,python3-pip,python3-venv,git,patch"
BASE_CHANGES = [
    f"LABEL {LABEL}=1",
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "ENV LANG=C.UTF-8",
]
DEBOOTSTRAP_TIMEOUT_S = 1800.0
WHEELS_DIR = "/tmp/wheels"
APT_REPO_DIR = "/var/lib/agentlab/apt"


def bootstrap_base(
    client: docker.DockerClient,
    name: str | None = None,
    *,
    suite: str = "bookworm",
    pull: str | None = None,
    force: bool = False,
    log: Log = logger.info,
) -> str:
    """Creates the base image `name`: pulled and retagged, or debootstrapped and imported."""
    name = name or base_image()
    if not force and image_exists(client, name):
        log(f"{name} exists; nothing to do")
        return name
    if pull:
        _pull_as(client, pull, name, log)
    else:
        _debootstrap_import(client, name, suite, log)
    return name


def register_recipe(name: str, recipe: Recipe) -> None:
    """Lets an environment family build the image a task names as `name` on first use.

    Tasks then say `image = name` and stay cheap to load: the image (a repository at a version,
    say) is only built when a sandbox first needs it, and content-addressed as any other layer.
    """
    _recipes[name] = recipe


def ensure_image(
    client: docker.DockerClient,
    env: EnvironmentSpec,
    env_dir: Path | None,
    *,
    log: Log = logger.info,
) -> str:
    """The tag a task's sandbox starts from, building the layers it needs that are missing.

    Calls from several threads (concurrent trials) take turns, so a missing layer is built once.
    """
    with _BUILD_LOCK:
        return _ensure_image(client, env, env_dir, log)


def _ensure_image(
    client: docker.DockerClient, env: EnvironmentSpec, env_dir: Path | None, log: Log
) -> str:
    tag = env.image or base_image()
    if recipe := _recipes.get(tag):
        tag = recipe(client, log)
    elif not image_exists(client, tag):
        raise SandboxError(
            f"image {tag!r} is not present locally; create it with "
            "`agentlab images bootstrap-base` (add `--pull IMAGE` where a registry is reachable)"
        )
    if env.python_packages or env.offline_apt_packages:
        tag = _ensure_deps(client, tag, env, log)
    if env.dockerfile:
        tag = _ensure_task_image(client, tag, env, env_dir, log)
    return tag


# --- base image ---------------------------------------------------------------------------------


def _pull_as(client: docker.DockerClient, source: str, name: str, log: Log) -> None:
    """Pulls `source` from a registry and tags it as `name`."""
    repository, tag = parse_repository_tag(source)
    log(f"pulling {source}")
    try:
        image = client.images.pull(repository, tag=tag or "latest")
    except docker.errors.APIError as exc:
        raise ImageBuildError(f"could not pull {source}: {exc}") from exc
    target, target_tag = parse_repository_tag(name)
    image.tag(target, target_tag or "latest")
    log(f"tagged {source} as {name}")


def _debootstrap_import(client: docker.DockerClient, name: str, suite: str, log: Log) -> None:
    """Builds a minimal Debian tree with debootstrap and imports it as image `name`."""
    if shutil.which("debootstrap") is None:
        raise ImageBuildError(
            "debootstrap is not installed; install it with apt-get install debootstrap"
        )
    work = Path(tempfile.mkdtemp(prefix="agentlab-base-"))
    try:
        tree = work / "rootfs"
        log(f"debootstrap {suite} into {tree} (takes a minute or more)")
        run_host(
            ["debootstrap", "--variant=minbase", f"--include={BASE_PACKAGES}", suite, str(tree)],
            timeout=DEBOOTSTRAP_TIMEOUT_S,
        )
        for pattern in ("var/lib/apt/lists/*", "var/cache/apt/archives/*.deb"):
            for item in tree.glob(pattern):
                if item.is_dir() and not item.is_symlink():
                    shutil.rmtree(item)
                else:
                    item.unlink()
        tarball = work / "rootfs.tar"
        with tarball.open("wb") as out:  # the tar binary keeps owners, modes and device nodes
            run_host(["tar", "-C", str(tree), "-c", "."], timeout=HOST_TIMEOUT_S, stdout=out)
        repository, tag = parse_repository_tag(name)
        log(f"importing {name}")
        try:
            result = client.api.import_image(
                src=str(tarball), repository=repository, tag=tag or "latest", changes=BASE_CHANGES
            )
        except docker.errors.APIError as exc:
            raise ImageBuildError(f"importing {name} failed: {exc}") from exc
    finally:
        _remove_work_dir(work, log)
    errors = [e for e in _json_lines(str(result)) if "error" in e]
    if errors or not image_exists(client, name):
        raise ImageBuildError(f"importing {name} failed: {errors or result}")
    log(f"created {name}")


def _remove_work_dir(root: Path, log: Log) -> None:
    """Deletes a debootstrap work dir, first unmounting what a killed debootstrap left inside.

    Deleting through a leftover bind mount of /dev or /proc would damage the host, so the
    directory is kept (with a warning) if anything stays mounted under it.
    """
    for point in _mounts_under(root):
        subprocess.run(["umount", "-l", point], capture_output=True, check=False)
    if _mounts_under(root):
        log(f"warning: {root} still has mounts under it; left in place")
        return
    shutil.rmtree(root, ignore_errors=True)
    if root.exists():
        log(f"warning: could not remove all of {root}")


def _mounts_under(root: Path) -> list[str]:
    """Mount points strictly below `root`, deepest first."""
    prefix = os.path.realpath(root) + os.sep
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return []
    points = [
        re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[1])
        for line in lines
        if len(line.split()) > 1
    ]
    return sorted((p for p in points if p.startswith(prefix)), reverse=True)


def _json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON objects of a newline-delimited progress stream."""
    objects: list[dict[str, Any]] = []
    for line in text.splitlines():
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            objects.append(value)
    return objects


# --- dependency and task layers -----------------------------------------------------------------


def _ensure_deps(client: docker.DockerClient, parent: str, env: EnvironmentSpec, log: Log) -> str:
    """A layer on `parent` with the Python packages installed and the apt packages installable."""
    python = sorted(set(env.python_packages))
    apt = sorted(set(env.offline_apt_packages))
    lines = ["ARG BASE_IMAGE", "FROM ${BASE_IMAGE}"]
    work = cache_dir() / "tmp"
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="deps-", dir=work) as tmp:
        context = Path(tmp)
        if python:
            link_files(wheelhouse(python, log), context / "wheels")
            lines += [
                f"COPY wheels {WHEELS_DIR}",
                "RUN PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --no-index"
                f" --find-links {WHEELS_DIR} {shlex.join(python)} && rm -rf {WHEELS_DIR}",
            ]
        if apt:
            link_files(apt_repo(apt, log), context / "apt")
            lines += [
                f"COPY apt {APT_REPO_DIR}",
                f"RUN echo 'deb [trusted=yes] file:{APT_REPO_DIR} ./' > /etc/apt/sources.list"
                " && rm -rf /etc/apt/sources.list.d/* /var/lib/apt/lists/*",
            ]
        dockerfile = "\n".join(lines) + "\n"
        (context / "Dockerfile").write_text(dockerfile)
        return build_layer(
            client,
            repository="agentlab/deps",
            parent=parent,
            context=context,
            dockerfile=dockerfile,
            env=env,
            what=f"the dependency layer on {parent} ({' '.join(python + apt)})",
            log=log,
        )


def _ensure_task_image(
    client: docker.DockerClient, parent: str, env: EnvironmentSpec, env_dir: Path | None, log: Log
) -> str:
    """The task's own environment/Dockerfile built on `parent` (passed as build arg BASE_IMAGE)."""
    if env_dir is None or not (env_dir / "Dockerfile").is_file():
        raise ImageBuildError(f"the environment asks for a Dockerfile but {env_dir} has none")
    return build_layer(
        client,
        repository="agentlab/env",
        parent=parent,
        context=env_dir,
        dockerfile=(env_dir / "Dockerfile").read_text(encoding="utf-8"),
        env=env,
        what=str(env_dir),
        log=log,
    )


def build_layer(
    client: docker.DockerClient,
    *,
    repository: str,
    parent: str,
    context: Path,
    dockerfile: str,
    env: EnvironmentSpec,
    what: str,
    log: Log,
) -> str:
    """Builds `context` on `parent` (build arg BASE_IMAGE) without network, under a tag that
    hashes everything the image depends on, unless that tag exists."""
    packages = {
        "python": sorted(set(env.python_packages)),
        "apt": sorted(set(env.offline_apt_packages)),
    }
    parent_id = str(client.images.get(parent).attrs["Id"])
    tag = f"{repository}:{_content_hash(parent_id, dockerfile, context, packages)}"
    if image_exists(client, tag):
        log(f"{tag}: cached")
        return tag
    log(f"{tag}: building {what}")
    try:
        client.images.build(
            path=str(context),
            tag=tag,
            buildargs={"BASE_IMAGE": parent},
            network_mode="none",
            rm=True,
            forcerm=True,
            labels={LABEL: "1", "agentlab.layer": repository.rpartition("/")[2]},
            timeout=math.ceil(env.build_timeout_sec),
        )
    except docker.errors.BuildError as exc:
        log_tail = tail(_build_log_text(exc.build_log))
        raise ImageBuildError(f"building {what} failed: {exc.msg}\n{log_tail}") from exc
    except (docker.errors.APIError, requests.exceptions.RequestException) as exc:
        raise ImageBuildError(f"building {what} failed: {exc}") from exc
    log(f"{tag}: built")
    return tag


def _content_hash(
    parent_id: str, dockerfile: str, context: Path, packages: dict[str, list[str]]
) -> str:
    """16 hex digits of sha256 over everything that determines the built image."""
    digest = hashlib.sha256()

    def put(data: bytes) -> None:
        digest.update(f"{len(data)}:".encode())
        digest.update(data)

    put(parent_id.encode())
    put(dockerfile.encode())
    put(json.dumps(packages, sort_keys=True).encode())
    for path in _context_entries(context):
        put(path.relative_to(context).as_posix().encode())
        if path.is_symlink():
            put(b"link:" + os.readlink(path).encode())
        elif path.is_dir():
            put(b"dir")
        else:
            info = path.stat()
            put(b"exec-file" if info.st_mode & 0o111 else b"file")
            digest.update(f"{info.st_size}:".encode())
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
    return digest.hexdigest()[:16]


def _context_entries(context: Path) -> list[Path]:
    """Every file, directory and symlink under `context`, in a stable order."""
    entries: list[Path] = []
    for root, dirs, files in os.walk(context):
        entries += [Path(root, name) for name in (*dirs, *files)]
    return sorted(entries, key=lambda p: p.relative_to(context).as_posix())


def _build_log_text(build_log: Iterable[Any]) -> str:
    parts: list[str] = []
    for chunk in build_log:
        if isinstance(chunk, dict):
            text = chunk.get("stream") or chunk.get("error") or chunk.get("status") or ""
            parts.append(str(text))
    return "".join(parts)


def image_exists(client: docker.DockerClient, name: str) -> bool:
    try:
        client.images.get(name)
    except docker.errors.ImageNotFound:
        return False
    return True
