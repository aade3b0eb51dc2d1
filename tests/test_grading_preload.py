"""cnnkit.grading.preload: the server forks, drops to the grader's uid, forwards signals and
exit statuses, and kills a kernel whose launcher died, with a stand-in for ipykernel (no
TensorFlow, no kernel). The real kernels run in deploy/tests/test_class_route.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cnnkit.grading import preload

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="forks kernels as another uid: root")
UID = 61010

# The server with stand-ins: no imports; the "kernel" reports who and where it is, then
# exits 3, or waits for SIGINT (exit 4), or writes its pid and sleeps.
SERVER = textwrap.dedent("""
    import os, signal, sys, time
    from cnnkit.grading import preload

    def kernel(argv):
        if os.environ.get("MODE") == "sleep":
            open(os.environ["PIDFILE"], "w").write(str(os.getpid()))
            time.sleep(60)
        if os.environ.get("MODE") == "interrupt":
            signal.signal(signal.SIGINT, lambda *_: os._exit(4))
            print("ready", flush=True)
            time.sleep(60)
        print(os.getuid(), os.getgid(), os.getgroups(), oct(os.umask(0)), os.getcwd(),
              os.environ["A"], argv, len(os.listdir("/proc/self/fd")), flush=True)
        sys.exit(3)

    preload.serve(sys.argv[1], prepare=lambda: None, kernel=kernel)
""")
LAUNCHER = textwrap.dedent("""
    import json, sys
    from cnnkit.grading import preload
    sys.exit(preload.fork_kernel(sys.argv[1], **json.loads(sys.argv[2])))
""")


@pytest.fixture
def server(tmp_path: Path):
    folder = tmp_path / "server"
    folder.mkdir(mode=0o700)
    path = str(folder / "kernels.sock")
    process = subprocess.Popen([sys.executable, "-c", SERVER, path])
    deadline = time.monotonic() + 30
    while not Path(path).exists():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    yield path
    process.terminate()
    assert process.wait(timeout=10) is not None
    assert not Path(path).exists()


def _launch(path: str, home: Path, **env: str) -> subprocess.Popen:
    home.mkdir(mode=0o700)
    os.chown(home, UID, UID)
    request = dict(uid=UID, gid=UID, connection=str(home / "kernel.json"), home=str(home),
                   env=dict(env, JPY_PARENT_PID="123"))
    return subprocess.Popen([sys.executable, "-c", LAUNCHER, path, preload.encode(request)
                             .decode()], stdout=subprocess.PIPE, text=True)


def test_the_kernel_runs_as_the_grader_in_its_home_and_its_status_comes_back(server, tmp_path):
    launcher = _launch(server, tmp_path / "home", A="1")
    out, _ = launcher.communicate(timeout=30)
    assert launcher.returncode == 3
    assert out.split() == [str(UID), str(UID), "[]", "0o77", str(tmp_path / "home"), "1",
                           "['-f',", f"'{tmp_path / 'home' / 'kernel.json'}',",
                           "'--IPKernelApp.parent_handle=123']", "4"]  # fds 0-2, the listing


def test_an_interrupt_of_the_launcher_reaches_the_kernel(server, tmp_path):
    launcher = _launch(server, tmp_path / "home", A="1", MODE="interrupt")
    assert launcher.stdout.readline().strip() == "ready"
    launcher.send_signal(signal.SIGINT)
    assert launcher.wait(timeout=30) == 4


def test_a_killed_launcher_takes_its_kernel_with_it(server, tmp_path):
    pidfile = tmp_path / "home" / "pid"  # written as the grader's uid, in its home
    launcher = _launch(server, tmp_path / "home", A="1", MODE="sleep", PIDFILE="pid")
    deadline = time.monotonic() + 30
    while not pidfile.exists() or not pidfile.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    kernel = int(pidfile.read_text())
    launcher.kill()
    launcher.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{kernel}").exists() and _state(kernel) != "Z":
        assert time.monotonic() < deadline, "the kernel outlived its launcher"
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "Z"


def test_messages_are_json_lines():
    assert preload.decode(preload.encode({"status": 0})) == {"status": 0}
    assert preload.encode({"pid": 1}).endswith(b"\n")


# A stand-in server that holds its reply: the kernel (here a plain process) already runs
# when the client interrupts the launcher, before the launcher knows the kernel's pid.
KERNEL = "import os, signal, time\nsignal.signal(signal.SIGINT, lambda *_: os._exit(4))\n" \
         "print('ready', flush=True)\ntime.sleep(60)\n"


def test_an_interrupt_before_the_server_replies_reaches_the_kernel(tmp_path):
    import socket
    import threading

    path = str(tmp_path / "kernels.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    request = dict(uid=UID, gid=UID, connection="c.json", home=str(tmp_path), env={})
    launcher = subprocess.Popen(  # SIGINT's default handler, whatever this process inherited
        [sys.executable, "-c", LAUNCHER, path, preload.encode(request).decode()],
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    conn, _ = listener.accept()
    preload._read_message(conn)  # the request: the launcher waits for the pid now
    kernel = subprocess.Popen([sys.executable, "-c", KERNEL], stdout=subprocess.PIPE, text=True)
    assert kernel.stdout.readline().strip() == "ready"
    launcher.send_signal(signal.SIGINT)
    time.sleep(0.5)  # the launcher handles the signal before it has the pid
    conn.sendall(preload.encode({"pid": kernel.pid}))
    done = threading.Thread(target=lambda: conn.sendall(preload.encode(
        {"status": kernel.wait(timeout=30)})))
    done.start()
    try:
        assert launcher.wait(timeout=30) == 4
    finally:
        kernel.kill()
        done.join()
        conn.close()
        listener.close()
