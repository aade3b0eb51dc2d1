"""deploy/jupyterhub_config.py started for real on localhost, then stopped (about a minute).

The hub runs the course configuration with two test-only changes (a dummy authenticator,
SimpleLocalProcessSpawner: no system accounts), localhost only, free ports, a temporary
database. Through the REST API and an API token of a service with the admin role, the test
creates a student and an instructor, has the hub spawn their servers, logs the student in by
a token of their own, starts a kernel in the student's server and runs a cell there through
the kernel's websocket, and checks nbgrader's pages: the assignment list for both,
formgrader for the instructor only. Everything is stopped at the end, whatever happens.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
CHP = ROOT / "deploy" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
TOKEN = secrets.token_hex(16)

jupyterhub = pytest.importorskip("jupyterhub", reason="pip install -e '.[hub]'")
requests = pytest.importorskip("requests")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if not (CHP.exists() or shutil.which("configurable-http-proxy")):
        pytest.fail("configurable-http-proxy is missing: npm ci --prefix deploy/hub")
    base = tmp_path_factory.mktemp("hub")
    port = _free_port()
    (base / "test_config.py").write_text(f'''
c = get_config()  # noqa: F821
load_subconfig({str(CONFIG)!r})
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_port = {_free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{_free_port()}"
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.Spawner.args = ["--allow-root"] if __import__("os").geteuid() == 0 else []
c.SimpleLocalProcessSpawner.home_dir_template = {str(base / "homes" / "{username}")!r}
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
c.JupyterHub.services = [{{"name": "prueba", "api_token": {TOKEN!r}}}]
c.JupyterHub.load_roles = [{{"name": "prueba-admin", "services": ["prueba"],
    "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"]}}]
''')
    env = dict(os.environ, CNNKIT_HUB_SECRET=str(base / "secret"),
               CNNKIT_HUB_DB=f"sqlite:///{base / 'hub.sqlite'}", CNNKIT_INSTRUCTORS="profesor",
               PYTHONPATH=str(ROOT), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    env.pop("CNNKIT_QUICK", None)
    log = open(base / "hub.log", "w")
    start = time.perf_counter()
    command = [sys.executable, "-m", "jupyterhub", "-f", str(base / "test_config.py")]
    process = subprocess.Popen(command, cwd=base, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: requests.get(f"{url}/hub/api/", timeout=5).ok, 60, process, base)
        yield {"url": url, "start": start, "log": base / "hub.log", "process": process}
    finally:
        for user in ("alumna", "profesor"):  # stop the servers through the hub, then the hub
            try:
                requests.delete(f"{url}/hub/api/users/{user}/server", headers=_auth(), timeout=30)
            except requests.RequestException:
                pass
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
        print(f"\nhub test wall time: {time.perf_counter() - start:.0f} s")


def _auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"token {token}"}


def _wait(ready, seconds: float, process, base) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, (base / "hub.log").read_text()[-4000:]
        try:
            if ready():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError("timed out\n" + (base / "hub.log").read_text()[-4000:])


def _spawn(hub, user: str) -> str:
    """Creates the user, spawns their server; returns a token of theirs."""
    url = hub["url"]
    requests.post(f"{url}/hub/api/users/{user}", headers=_auth(), timeout=30)
    r = requests.post(f"{url}/hub/api/users/{user}/server", headers=_auth(), timeout=150)
    assert r.status_code in (201, 202), r.text

    def ready() -> bool:
        info = requests.get(f"{url}/hub/api/users/{user}", headers=_auth(), timeout=10).json()
        return bool(info["servers"].get("", {}).get("ready"))

    _wait(ready, 150, hub["process"], hub["log"].parent)
    r = requests.post(f"{url}/hub/api/users/{user}/tokens", headers=_auth(),
                      json={"note": "test", "expires_in": 600}, timeout=30)
    assert r.ok, r.text
    return r.json()["token"]


def _run_cell(url: str, user: str, token: str, code: str) -> str:
    """Starts a kernel in the user's server, runs ``code``, returns its stdout."""
    from tornado.httpclient import HTTPRequest
    from tornado.ioloop import IOLoop
    from tornado.websocket import websocket_connect

    r = requests.post(f"{url}/user/{user}/api/kernels", headers=_auth(token), json={},
                      timeout=60)
    assert r.status_code == 201, r.text
    kernel = r.json()["id"]

    async def execute() -> str:
        ws = await websocket_connect(HTTPRequest(
            f"ws{url[4:]}/user/{user}/api/kernels/{kernel}/channels", headers=_auth(token)))
        msg_id = uuid.uuid4().hex
        ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user,
                       "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False},
        }))
        out = []
        while True:
            msg = json.loads(await ws.read_message())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                out.append("ERROR " + msg["content"]["evalue"])
            elif msg["msg_type"] == "execute_reply":
                ws.close()
                return "".join(out)

    try:
        return IOLoop.current().run_sync(execute, timeout=180)
    finally:
        requests.delete(f"{url}/user/{user}/api/kernels/{kernel}", headers=_auth(token),
                        timeout=30)


def test_a_student_runs_a_cell_of_the_course_in_their_server(hub):
    token = _spawn(hub, "alumna")
    out = _run_cell(hub["url"], "alumna", token,
                    "import os, sys, cnnkit\ncnnkit.setup(seed=0, language=\"es\", verbose=False)\n"
                    "print(os.environ['JUPYTERHUB_USER'], cnnkit.format_number(1413834))\n"
                    "print(sys.executable)")
    user, number = out.split("\n")[0].split()
    assert (user, number) == ("alumna", "1.413.834"), out
    assert out.split("\n")[1] == sys.executable  # the course environment is the kernel
    r = requests.get(f"{hub['url']}/user/alumna/formgrader", headers=_auth(token), timeout=30)
    assert r.status_code == 404, "formgrader is for instructors only"
    r = requests.get(f"{hub['url']}/user/alumna/assignments", headers=_auth(token),
                     params={"course_id": "cnn"}, timeout=60)
    assert r.ok, r.text


def test_an_instructor_gets_formgrader(hub):
    token = _spawn(hub, "profesor")
    r = requests.get(f"{hub['url']}/user/profesor/formgrader", headers=_auth(token), timeout=60)
    assert r.ok and "formgrader" in r.text.lower()
