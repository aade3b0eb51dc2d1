"""Sandboxed kernels forked from a process that has already imported TensorFlow.

Every autograded notebook gets a fresh kernel, and a fresh kernel of the course spends most
of a short-mode submission importing ipykernel, Keras and TensorFlow (about 9 CPU-seconds
of notebook 04's ~17 on 2 cores). :func:`serve` imports them once, as a notebook's first
cell would, and then forks one child per kernel: the child drops to the grader's uid exactly
as :mod:`cnnkit.grading.sandbox` does (no supplementary groups, umask 077, its private
directory as working directory, ``HOME`` and ``TMPDIR``), takes the launcher's environment
and standard streams, and runs ``ipykernel`` there. The child starts with the imported
modules and nothing else: the server never runs a notebook's code, and every submission
still has a kernel of its own, a separate process, as its own uid.

The sandbox launcher uses the server when ``CNNKIT_GRADER_PRELOAD`` names its socket
(``python -m cnnkit.grading autograde --preload`` starts one for the pool and stops it at the
end); otherwise, or if the server cannot be reached, it starts ``ipykernel`` as before. The
launcher stays the kernel's process for Jupyter: it forwards interrupts and termination to
the child, returns its exit status, and if the launcher is killed the server kills the child.
Only root can connect (the socket's directory is root's, mode 0700).

Example:
    >>> reply = encode({"pid": 12})
    >>> decode(reply)
    {'pid': 12}
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["SOCKET_VARIABLE", "decode", "encode", "fork_kernel", "running", "serve"]

SOCKET_VARIABLE = "CNNKIT_GRADER_PRELOAD"
_homes: list[str] = []  # the server's own home, removed when it stops
_MAX_MESSAGE = 1 << 20


def encode(message: dict) -> bytes:
    """One JSON message, newline-terminated."""
    return json.dumps(message).encode() + b"\n"


def decode(data: bytes) -> dict:
    """The message :func:`encode` wrote."""
    return json.loads(data.decode())


def _read_message(conn: socket.socket) -> tuple[dict, list[int]]:
    """One newline-terminated message and the file descriptors sent with it."""
    data, fds = b"", []
    while not data.endswith(b"\n"):
        chunk, new_fds, _, _ = socket.recv_fds(conn, _MAX_MESSAGE, 8)
        if not chunk:
            raise ConnectionError("the preload server closed the connection")
        data, fds = data + chunk, fds + list(new_fds)
    return decode(data), fds


# --- the launcher's side (cnnkit.grading.sandbox, as root)


def fork_kernel(
    path: str, *, uid: int, gid: int, connection: str, home: str, env: dict[str, str]
) -> int:
    """Asks the server at ``path`` for a kernel; forwards signals; returns its exit status.

    Raises:
        OSError: the server cannot be reached (the caller starts the kernel itself).
    """
    pid: int | None = None
    pending: list[int] = []

    def forward(signum, _frame):
        if pid is None:  # the kernel may be running already: forwarded once its pid is known
            pending.append(signum)
            return
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    # Before the request: the kernel can start (and a client interrupt it) before the reply
    # with its pid arrives; a signal in between was lost (or, with SIGINT's default handler,
    # killed the launcher and left the kernel running).
    previous = {signum: signal.signal(signum, forward)  # Jupyter interrupts the process group
                for signum in (signal.SIGINT, signal.SIGTERM)}
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        request = {"uid": uid, "gid": gid, "connection": connection, "home": home, "env": env}
        socket.send_fds(conn, [encode(request)], [0, 1, 2])
        reply, _ = _read_message(conn)
    except (OSError, ValueError):
        conn.close()
        for signum, handler in previous.items():  # the caller starts the kernel itself
            signal.signal(signum, handler)
        for signum in pending:  # as they would have acted without this call
            os.kill(os.getpid(), signum)
        raise
    pid = reply["pid"]
    for signum in pending:
        forward(signum, None)
    try:
        while True:
            try:
                status, _ = _read_message(conn)
                return status["status"]
            except InterruptedError:  # pragma: no cover (PEP 475 retries)
                continue
    except ConnectionError:
        return 1
    finally:
        conn.close()


# --- the server (root): imports once, forks one child per kernel


def _prepare_imports() -> None:
    """Imports what a course kernel imports first, in the environment a kernel has."""
    os.umask(0o022)  # children (other uids) read Keras's and Matplotlib's files here
    home = tempfile.mkdtemp(prefix="cnnkit-preload-home-")
    _homes.append(home)
    os.chmod(home, 0o755)
    # a kernel's own empty home, as the sandbox gives it (Keras reads ~/.keras at import)
    os.environ.update(HOME=home, MPLCONFIGDIR=str(Path(home) / ".matplotlib"))
    # what ipykernel sets before a notebook's first cell imports Matplotlib
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    import ipykernel.kernelapp  # noqa: F401
    import matplotlib.font_manager  # noqa: F401  (its cache is built here, read in children)

    from cnnkit._quiet_import import import_keras_quietly

    import_keras_quietly()  # what `import cnnkit` does in a kernel


def _ipykernel(argv: list[str]) -> None:
    """Runs ``ipykernel`` with these arguments until it is shut down."""
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=argv)


def _child(request: dict, fds: list[int], server_files: list,
           kernel: Callable[[list[str]], None]) -> None:
    """In the forked child: become the grader's kernel; never returns."""
    code = 1
    try:
        for file in server_files:  # the server's sockets and selector: none reach the kernel
            file.close()
        for target, fd in zip((0, 1, 2), fds, strict=False):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        os.setsid()
        for signum in (signal.SIGTERM, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()
        os.environ.update(request["env"])
        tempfile.tempdir = None
        home = request["home"]
        os.chdir(home)
        if sys.path and sys.path[0] in ("", os.getcwd(), _server_cwd):
            del sys.path[0]  # as ipykernel_launcher does; the kernel adds "" back
        os.setgroups([])
        os.setgid(request["gid"])
        os.setuid(request["uid"])
        os.umask(0o077)
        argv = ["-f", request["connection"]]
        # IPKernelApp read JPY_PARENT_PID when the server imported it: give this kernel's
        parent = os.environ.get("JPY_PARENT_PID", "")
        if parent.isdigit():
            argv.append(f"--IPKernelApp.parent_handle={parent}")
        sys.argv = ["ipykernel_launcher", *argv]
        kernel(argv)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # noqa: BLE001 (the child must not return into the server)
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


_server_cwd = os.getcwd()


def serve(
    path: str,
    *,
    prepare: Callable[[], None] = _prepare_imports,
    kernel: Callable[[list[str]], None] = _ipykernel,
) -> None:
    """Imports the course's modules, then forks a kernel for each request on ``path``.

    Runs until SIGTERM, or until its parent process exits; then kills its kernels.

    Args:
        path: the Unix socket to create (its folder should be root's, mode 0700).
        prepare: the imports (tests pass a stand-in).
        kernel: what a child runs with ipykernel's arguments (tests pass a stand-in).
    """
    prepare()
    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    os.chmod(path + ".tmp", 0o600)
    listener.listen(16)
    os.rename(path + ".tmp", path)  # the socket appears once the imports are done
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    children: dict[socket.socket, int] = {}
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping and os.getppid() == parent:
            for key, _ in selector.select(timeout=0.2):
                if key.fileobj is listener:
                    conn, _ = listener.accept()
                    try:
                        request, fds = _read_message(conn)
                    except (OSError, ValueError):
                        conn.close()
                        continue
                    pid = os.fork()
                    if pid == 0:
                        _child(request, fds, [selector, listener, *children, conn], kernel)
                    for fd in fds:
                        os.close(fd)
                    conn.sendall(encode({"pid": pid}))
                    children[conn] = pid
                    selector.register(conn, selectors.EVENT_READ)
                elif not key.fileobj.recv(1):  # the launcher is gone: so is its kernel
                    _kill(children[key.fileobj])
            for conn, pid in list(children.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    try:
                        conn.sendall(encode({"status": os.waitstatus_to_exitcode(status)}))
                    except OSError:
                        pass
                    selector.unregister(conn)
                    conn.close()
                    del children[conn]
    finally:
        for pid in children.values():
            _kill(pid)
            os.waitpid(pid, 0)
        listener.close()
        Path(path).unlink(missing_ok=True)
        for home in _homes:  # _prepare_imports' home
            shutil.rmtree(home, ignore_errors=True)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@contextmanager
def running(env: dict[str, str] | None = None, *, wait: float = 300) -> Iterator[str]:
    """Starts a server (as this process's user, root for the sandbox) and yields its socket.

    Args:
        env: the environment of the kernels' imports (by default this process's).
        wait: seconds to wait for its imports.
    """
    folder = Path(tempfile.mkdtemp(prefix="cnnkit-preload-"))  # mode 0700
    path = str(folder / "kernels.sock")
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "cnnkit.grading.preload", path], env=env,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + wait
        while not Path(path).exists():
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the kernel preload server did not start (exit "
                                   f"{server.poll()}); run without --preload")
            time.sleep(0.1)
        yield path
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()


if __name__ == "__main__":
    serve(sys.argv[1])
