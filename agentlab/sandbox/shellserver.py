"""The persistent shell that runs inside every sandbox.

Started once per sandbox (inside the container over the docker exec socket, or as a local
process), it answers framed requests on stdin/stdout so each command costs a fork, not a
`docker exec` round trip. Stdlib only and Python 3.9-compatible: it runs on whatever python3
the sandbox image carries.

Frame: 8 bytes (header length, body length, big-endian u32), a JSON header, a binary body.
Operations: exec, read, write, snapshot, restore, ping. Replies carry the request's id.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import pwd
import selectors
import shutil
import signal
import stat
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, BinaryIO

FRAME = struct.Struct(">II")
DRAIN_GRACE_S = 1.0  # how long to keep reading pipes a finished command's children hold open
CHUNK = 65536


def send(out: BinaryIO, lock: threading.Lock, header: dict[str, Any], body: bytes = b"") -> None:
    data = json.dumps(header).encode()
    with lock:
        out.write(FRAME.pack(len(data), len(body)) + data + body)
        out.flush()


def read_exact(inp: BinaryIO, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = inp.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


class Capture:
    """Keeps the head and the tail of a stream within a fixed budget, counting what it drops."""

    def __init__(self, limit: int) -> None:
        self.head_max = limit // 2
        self.tail_max = limit - self.head_max
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, data: bytes) -> None:
        self.total += len(data)
        room = self.head_max - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail += data
            if len(self.tail) > 2 * self.tail_max:
                del self.tail[: len(self.tail) - self.tail_max]

    @property
    def truncated(self) -> bool:
        return self.total > self.head_max + self.tail_max

    def value(self) -> bytes:
        if not self.truncated:
            return bytes(self.head + self.tail)
        tail = self.tail[-self.tail_max :] if self.tail_max else b""
        dropped = self.total - len(self.head) - len(tail)
        marker = f"\n[... {dropped} bytes truncated ...]\n".encode()
        return bytes(self.head) + marker + bytes(tail)


class Server:
    def __init__(
        self, workspace: str, state_dir: str, confine: str | None, ulimit: str | None
    ) -> None:
        self.workspace = workspace
        # limits for each command (not for this server, whose threads need address space)
        self.prefix = f"ulimit -S -H {ulimit}\n" if ulimit else ""
        self.state_dir = state_dir
        self.confine = os.path.realpath(confine) if confine else None
        self.out = sys.stdout.buffer
        self.lock = threading.Lock()
        self.snap_lock = threading.Lock()
        self.children: dict[int, int | None] = {}  # our commands' pids -> exit code once reaped
        self.cpu: dict[int, float] = {}  # their CPU seconds (with what they waited for)
        self.reaped = threading.Condition()
        threading.Thread(target=self.reap, daemon=True).start()
        os.makedirs(workspace, exist_ok=True)
        os.makedirs(os.path.join(state_dir, "snapshots"), exist_ok=True)

    # -- paths -------------------------------------------------------------------------------

    def path(self, p: str) -> str:
        full = os.path.normpath(os.path.join(self.workspace, p))
        if self.confine is not None:
            real = os.path.realpath(full)
            if real != self.confine and not real.startswith(self.confine + os.sep):
                raise PermissionError(f"path {p!r} is outside the sandbox workspace")
        return full

    # -- exec --------------------------------------------------------------------------------

    def exec(self, req: dict[str, Any], stdin: bytes) -> tuple[dict[str, Any], bytes]:
        env = dict(os.environ)
        kwargs: dict[str, Any] = {}
        user = req.get("user")
        if user and user != pwd.getpwuid(os.getuid()).pw_name:
            pw = pwd.getpwnam(user)
            kwargs.update(
                user=pw.pw_uid, group=pw.pw_gid, extra_groups=os.getgrouplist(user, pw.pw_gid)
            )
            env.update(HOME=pw.pw_dir, USER=user, LOGNAME=user)
        env.update(req.get("env") or {})
        cwd = self.path(req.get("cwd") or self.workspace)
        timeout = float(req["timeout"])
        limit = int(req["max_output"])
        start = time.monotonic()
        with self.reaped:  # the reaper cannot collect this child before we know its pid
            proc = subprocess.Popen(
                ["/bin/bash", "-c", self.prefix + req["cmd"]],
                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=cwd,
                env=env,
                start_new_session=True,
                **kwargs,
            )
            self.children[proc.pid] = None
            self.reaped.notify_all()
        if stdin:
            threading.Thread(target=self._feed, args=(proc, stdin), daemon=True).start()
        out, err = Capture(limit), Capture(limit)
        timed_out = self._pump(proc, out, err, start + timeout)
        if timed_out:
            self._killpg(proc.pid)
        if not self._wait_exit(proc.pid, start + timeout - time.monotonic()):
            timed_out = True  # it closed its pipes but kept running
            self._killpg(proc.pid)
            self._wait_exit(proc.pid, DRAIN_GRACE_S * 10)
        with self.reaped:
            code = self.children.pop(proc.pid)
            cpu_s = self.cpu.pop(proc.pid, 0.0)
        if code is None:
            code = -signal.SIGKILL  # unkillable (uninterruptible sleep): report it as killed
        proc.returncode = code  # collected by the reaper; Popen must not wait on it again
        exit_code = 128 - code if code < 0 else code
        stdout, stderr = out.value(), err.value()
        header = {
            "exit_code": exit_code,
            "timed_out": timed_out,
            "truncated": out.truncated or err.truncated,
            "duration_s": time.monotonic() - start,
            "cpu_s": cpu_s,
            "stdout_len": len(stdout),
        }
        return header, stdout + stderr

    @staticmethod
    def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
        assert proc.stdin is not None
        try:
            proc.stdin.write(data)
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def _pump(
        self, proc: subprocess.Popen[bytes], out: Capture, err: Capture, deadline: float
    ) -> bool:
        """Reads both pipes until EOF; returns True when the deadline passed first."""
        sel = selectors.DefaultSelector()
        assert proc.stdout is not None and proc.stderr is not None
        sel.register(proc.stdout, selectors.EVENT_READ, out)
        sel.register(proc.stderr, selectors.EVENT_READ, err)
        timed_out = False
        exited_at: float | None = None
        while sel.get_map():
            now = time.monotonic()
            if not timed_out and now >= deadline:
                timed_out = True
                self._killpg(proc.pid)
                exited_at = now
            if exited_at is None and self._exited(proc.pid):
                exited_at = now
            if exited_at is not None and now - exited_at > DRAIN_GRACE_S:
                break  # children that escaped the group still hold the pipes: stop waiting
            wait = min(deadline - now if not timed_out else DRAIN_GRACE_S, 0.2)
            for key, _ in sel.select(max(wait, 0.0)):
                chunk = os.read(key.fd, CHUNK)
                if chunk:
                    key.data.add(chunk)
                else:
                    sel.unregister(key.fileobj)
        for key in list(sel.get_map().values()):
            sel.unregister(key.fileobj)
        sel.close()
        proc.stdout.close()
        proc.stderr.close()
        return timed_out

    @staticmethod
    def _killpg(pid: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)

    def _wait_exit(self, pid: int, timeout: float) -> bool:
        with self.reaped:
            return self.reaped.wait_for(lambda: self.children[pid] is not None, max(timeout, 0))

    def _running(self) -> bool:
        """True while a command of ours has not been reaped; call with `reaped` held."""
        return any(code is None for code in self.children.values())

    def _exited(self, pid: int) -> bool:
        with self.reaped:
            return self.children.get(pid) is not None

    def reap(self) -> None:
        """Collects every child: our commands' exit codes, and orphans re-parented to us."""
        while True:
            try:
                pid, status, usage = os.wait4(-1, 0)
            except ChildProcessError:
                with self.reaped:  # checked under the lock, so a start cannot slip past us
                    self.reaped.wait_for(self._running, timeout=1.0)
                continue
            code = os.waitstatus_to_exitcode(status)
            with self.reaped:
                if pid in self.children:
                    self.children[pid] = code
                    self.cpu[pid] = usage.ru_utime + usage.ru_stime
                    self.reaped.notify_all()

    def kill_descendants(self) -> None:
        me = os.getpid()
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
        doomed = {me}
        changed = True
        while changed:
            changed = False
            for pid, ppid in parents.items():
                if ppid in doomed and pid not in doomed:
                    doomed.add(pid)
                    changed = True
        for pid in doomed - {me}:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)

    # -- files -------------------------------------------------------------------------------

    def read(self, req: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        path = self.path(req["path"])
        size = os.path.getsize(path)
        if size > int(req["max_bytes"]):
            raise ValueError(
                f"{req['path']} is {size} bytes, over the {req['max_bytes']}-byte limit"
            )
        with open(path, "rb") as f:
            return {}, f.read()

    def write(self, req: dict[str, Any], body: bytes) -> tuple[dict[str, Any], bytes]:
        path = self.path(req["path"])
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        tmp = f"{path}.agentlab-tmp"
        with open(tmp, "wb") as f:
            f.write(body)
        os.chmod(tmp, int(req.get("mode", 0o644)))
        os.replace(tmp, path)
        return {}, b""

    # -- snapshots ---------------------------------------------------------------------------

    def snapshot(self) -> tuple[dict[str, Any], bytes]:
        with self.snap_lock:
            root = os.path.join(self.state_dir, "snapshots")
            existing = sorted(int(n) for n in os.listdir(root) if n.isdigit())
            prev = existing[-1] if existing else None
            sid = (prev or 0) + 1
            dest = os.path.join(root, str(sid))
            prev_dir = os.path.join(root, str(prev)) if prev else None
            prev_manifest = self._manifest(prev) if prev else {}
            manifest: dict[str, list[Any]] = {}
            os.mkdir(dest)
            for rel, st in walk(self.workspace):
                src = os.path.join(self.workspace, rel)
                dst = os.path.join(dest, rel)
                entry = describe(src, st)
                manifest[rel] = entry
                if stat.S_ISDIR(st.st_mode):
                    os.mkdir(dst)
                elif stat.S_ISLNK(st.st_mode):
                    os.symlink(entry[6], dst)
                elif prev_dir and prev_manifest.get(rel) == entry:
                    os.link(os.path.join(prev_dir, rel), dst)
                else:
                    shutil.copy2(src, dst, follow_symlinks=False)
            with open(dest + ".json", "w") as f:
                json.dump(manifest, f)
            return {"snapshot_id": str(sid)}, b""

    def _manifest(self, sid: int | str) -> dict[str, list[Any]]:
        path = os.path.join(self.state_dir, "snapshots", f"{sid}.json")
        with open(path) as f:
            result: dict[str, list[Any]] = json.load(f)
        return result

    def restore(self, req: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        with self.snap_lock:
            sid = str(req["snapshot_id"])
            manifest = self._manifest(sid)
            snap = os.path.join(self.state_dir, "snapshots", sid)
            current = dict(walk(self.workspace))
            for rel in sorted(current, reverse=True):  # children before parents
                want = manifest.get(rel)
                st = current[rel]
                if want is None or want[0] != stat.S_IFMT(st.st_mode):
                    path = os.path.join(self.workspace, rel)
                    if stat.S_ISDIR(st.st_mode):
                        shutil.rmtree(path)
                    else:
                        os.unlink(path)
                    del current[rel]
            for rel, want in manifest.items():  # parents before children (walk order)
                path = os.path.join(self.workspace, rel)
                have = current.get(rel)
                if have is not None and describe(path, have) == want:
                    continue
                kind = want[0]
                fix_owner = have is None or (have.st_uid, have.st_gid) != (want[4], want[5])
                if kind == stat.S_IFDIR:
                    if have is None:
                        os.mkdir(path)
                    os.chmod(path, want[1])
                elif kind == stat.S_IFLNK:
                    if have is not None:
                        os.unlink(path)
                    os.symlink(want[6], path)
                else:
                    if have is not None:
                        os.unlink(path)  # never write through a hard link into the snapshot
                    shutil.copy2(os.path.join(snap, rel), path, follow_symlinks=False)
                if fix_owner:
                    try:
                        os.lchown(path, want[4], want[5])
                    except PermissionError:
                        pass  # a sandbox without CAP_CHOWN keeps the restoring user's ownership
            for rel, want in manifest.items():  # directory mtimes last, after their contents
                if want[0] == stat.S_IFDIR:
                    os.utime(os.path.join(self.workspace, rel), ns=(want[3], want[3]))
            return {}, b""

    # -- loop --------------------------------------------------------------------------------

    def handle(self, req: dict[str, Any], body: bytes) -> None:
        op = req.get("op")
        try:
            if op == "exec":
                header, out = self.exec(req, body)
            elif op == "read":
                header, out = self.read(req)
            elif op == "write":
                header, out = self.write(req, body)
            elif op == "snapshot":
                header, out = self.snapshot()
            elif op == "restore":
                header, out = self.restore(req)
            elif op == "ping":
                header, out = {"pid": os.getpid()}, b""
            else:
                raise ValueError(f"unknown operation {op!r}")
            header.update(id=req.get("id"), ok=True)
        except Exception as exc:  # every failure becomes a reply; the server keeps serving
            header, out = (
                {"id": req.get("id"), "ok": False, "error": str(exc), "kind": type(exc).__name__},
                b"",
            )
        send(self.out, self.lock, header, out)

    def serve(self) -> None:
        inp = sys.stdin.buffer
        send(self.out, self.lock, {"id": None, "ok": True, "ready": True, "pid": os.getpid()})
        while True:
            head = read_exact(inp, FRAME.size)
            if head is None:
                break
            hlen, blen = FRAME.unpack(head)
            raw = read_exact(inp, hlen)
            body = read_exact(inp, blen) if blen else b""
            if raw is None or body is None:
                break
            req = json.loads(raw)
            threading.Thread(target=self.handle, args=(req, body), daemon=True).start()
        self.kill_descendants()


def walk(root: str) -> Iterator[tuple[str, os.stat_result]]:
    """Yields (relative path, lstat) for everything under root, parents before children."""
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        with os.scandir(os.path.join(root, rel_dir)) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            rel = os.path.join(rel_dir, entry.name) if rel_dir else entry.name
            st = entry.stat(follow_symlinks=False)
            yield rel, st
            if stat.S_ISDIR(st.st_mode):
                stack.append(rel)


def describe(path: str, st: os.stat_result) -> list[Any]:
    """What a snapshot remembers of an entry: [type, mode, size, mtime_ns, uid, gid, target]."""
    kind = stat.S_IFMT(st.st_mode)
    target = os.readlink(path) if kind == stat.S_IFLNK else ""
    size = st.st_size if kind == stat.S_IFREG else 0
    mtime = st.st_mtime_ns if kind != stat.S_IFLNK else 0
    return [kind, stat.S_IMODE(st.st_mode), size, mtime, st.st_uid, st.st_gid, target]


def become_subreaper() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans come to us, not to PID 1
    except (OSError, AttributeError):
        pass


def main() -> None:
    args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
    become_subreaper()
    server = Server(
        args["--workspace"], args["--state"], args.get("--confine"), args.get("--ulimit")
    )
    server.serve()


if __name__ == "__main__":
    main()
