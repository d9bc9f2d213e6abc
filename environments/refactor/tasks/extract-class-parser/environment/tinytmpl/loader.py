"""Templates read from a folder, parsed once and parsed again when their file changes."""

import os

from .core import Template


class Loader:
    def __init__(self, folder, strict=False):
        self.folder = os.path.abspath(folder)
        self.strict = strict
        self._cache = {}

    def path(self, name):
        full = os.path.abspath(os.path.join(self.folder, name))
        if os.path.commonpath([full, self.folder]) != self.folder:
            raise ValueError(f"template {name!r} is outside {self.folder}")
        return full

    def get(self, name):
        path = self.path(name)
        mtime = os.stat(path).st_mtime_ns
        cached = self._cache.get(name)
        if cached is None or cached[0] != mtime:
            with open(path, encoding="utf-8") as handle:
                cached = self._cache[name] = (mtime, Template(handle.read(), self.strict))
        return cached[1]

    def render(self, name, **context):
        return self.get(name).render(**context)
