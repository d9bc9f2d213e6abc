"""Image build times per layer, cold and cached, for a bundled SWE-bench instance.

    python bench/images.py [--json] [--skip-base]

base    debootstrap + import of a scratch base image (cold), vs finding the existing one
env     the repository version's layer from an empty cache (mirror clone, wheel download, build)
        vs a fresh import finding it built (mirror clone --local, context hash, tag lookup)
instance  the instance layer (history cut, empty commit) vs finding it built

Each `*_cache_speedup` is cold time / cached time, measured in the same run. The env and
instance layers are built on the scratch base, so Docker has no build cache for any of their
steps, and everything built is removed at the end. With --skip-base they are built on the
default base after removing the bundled instance's layers; steps shared with other
repositories' env layers (the pytest install) then come from Docker's build cache.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docker

from agentlab.sandbox.docker import docker_client
from agentlab.sandbox.images import bootstrap_base, ensure_image
from agentlab.types import EnvironmentSpec, Task
from environments.repo_issue import BUNDLED
from environments.repo_issue.importer import instance_tasks


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def first_task() -> Task:
    return instance_tasks(BUNDLED)[0]  # a fresh import: recipes forget what they built


def env_layer(client: docker.DockerClient) -> str:
    return ensure_image(client, EnvironmentSpec(image=first_task().environment.image), None)


def instance_layer(client: docker.DockerClient) -> str:
    task = first_task()
    return ensure_image(client, task.environment, task.environment_dir)


def main(skip_base: bool) -> dict[str, float]:
    client = docker_client()
    figures: dict[str, float] = {}
    built: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-images-") as cache:
        os.environ["AGENTLAB_CACHE"] = cache  # cold: no mirror, no wheels
        try:
            if skip_base:  # the default base: remove this instance's layers to rebuild them
                built += [instance_layer(client), env_layer(client)]
                for tag in built:
                    client.images.remove(tag, force=True)
                os.environ["AGENTLAB_CACHE"] = str(Path(cache) / "cold")
            else:  # a scratch base, so that no layer above it has any build cache either
                scratch = f"agentlab/bench-base:{os.getpid()}"
                built.append(scratch)
                figures["base_cold_s"] = timed(lambda: bootstrap_base(client, scratch))
                figures["base_cached_s"] = timed(lambda: bootstrap_base(client, scratch))
                os.environ["AGENTLAB_BASE_IMAGE"] = scratch
            figures["env_cold_s"] = timed(lambda: built.append(env_layer(client)))
            figures["env_cached_s"] = timed(lambda: env_layer(client))
            figures["instance_cold_s"] = timed(lambda: built.append(instance_layer(client)))
            figures["instance_cached_s"] = timed(lambda: instance_layer(client))
        finally:
            if not skip_base:
                for tag in reversed(built):
                    client.images.remove(tag, force=True)
    for layer in ("base", "env", "instance"):
        if f"{layer}_cold_s" in figures:
            figures[f"{layer}_cache_speedup"] = (
                figures[f"{layer}_cold_s"] / figures[f"{layer}_cached_s"]
            )
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--skip-base", action="store_true", help="skip the base image (~50 s)")
    args = parser.parse_args()
    results = main(args.skip_base)
    if args.json:
        print(json.dumps({k: round(v, 3) for k, v in results.items()}))
    else:
        for key, value in results.items():
            print(f"{key:<24} {value:10.3f}")
