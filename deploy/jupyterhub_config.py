# jupyterhub_config.py of a cnnkit course on one machine (JupyterHub 6, configurable-http-proxy).
# Start it as root, from the course environment (the README's "JupyterHub" section):
#     jupyterhub -f deploy/jupyterhub_config.py
# Each student logs in with their system account (PAM; or your university's authenticator),
# gets a JupyterLab in Spanish running in this environment (whose Python is the notebooks'
# kernel), nbgrader's "Assignments" tab (fetch and submit through the exchange), and the
# course notebooks in ~/trabajo (`cnnkit workspace`, which never overwrites their edits).
# Instructors (group "instructores") also get nbgrader's formgrader.
# deploy/tests/test_hub.py starts this file on localhost with a dummy authenticator and
# runs a notebook cell in a student's server.
import os
import shutil
import subprocess
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines it)
HERE = Path(__file__).resolve().parent
ENV_BIN = Path(sys.executable).parent  # the course environment
COURSE_NOTEBOOKS = os.environ.get("CNNKIT_NOTEBOOKS", str(HERE.parent / "notebooks"))
INSTRUCTORS = set(filter(None, os.environ.get("CNNKIT_INSTRUCTORS", "profesor").split(",")))

c.JupyterHub.ip = os.environ.get("CNNKIT_HUB_IP", "")  # all interfaces; put TLS in front
c.JupyterHub.port = int(os.environ.get("CNNKIT_HUB_PORT", "8000"))
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allow_all = True  # every account of the machine; or list allowed_users
c.Authenticator.admin_users = INSTRUCTORS
c.JupyterHub.load_groups = {"instructores": {"users": sorted(INSTRUCTORS)}}
c.JupyterHub.spawner_class = "localprocess"  # each student's server runs as their account

# The single-user server of this environment: JupyterLab, its Python as the kernel.
c.Spawner.cmd = [str(ENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab/tree/trabajo"
c.Spawner.environment = {
    "PATH": f"{ENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "LANG": "es_ES.UTF-8",
}
c.Spawner.mem_limit = "4G"  # honoured by container spawners; 2 GB is enough for notebook 04
c.JupyterHub.cookie_secret_file = os.environ.get("CNNKIT_HUB_SECRET", "jupyterhub_cookie_secret")
c.JupyterHub.db_url = os.environ.get("CNNKIT_HUB_DB", "sqlite:///jupyterhub.sqlite")
chp = HERE / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
if chp.exists():  # `npm ci --prefix deploy/hub` installs it here; else from PATH
    c.ConfigurableHTTPProxy.command = [str(chp)]


def _prepare(spawner) -> None:
    """Before a server starts: the student's workspace; formgrader for instructors only."""
    user = spawner.user.name
    instructor = user in INSTRUCTORS or any(
        g.name == "instructores" for g in spawner.user.groups)
    spawner.args = [*spawner.args, "--ServerApp.jpserver_extensions="
                    + repr({"nbgrader.server_extensions.formgrader": instructor})]
    home = Path(spawner.format_string(getattr(spawner, "home_dir_template", "")) or
                os.path.expanduser(f"~{user}"))
    if getattr(spawner, "home_dir_template", None):  # SimpleLocalProcessSpawner (tests)
        home.mkdir(parents=True, exist_ok=True)
    cnnkit = ENV_BIN / "cnnkit"
    if cnnkit.exists() and Path(COURSE_NOTEBOOKS).is_dir() and home.is_dir():
        subprocess.run([str(cnnkit), "workspace", "--course", COURSE_NOTEBOOKS, "--dir",
                        str(home / "trabajo")], check=False, timeout=120)
        if os.geteuid() == 0 and not getattr(spawner, "home_dir_template", None):
            shutil.chown(home / "trabajo", user)  # LocalProcessSpawner: their own files
            for path in (home / "trabajo").rglob("*"):
                shutil.chown(path, user)


c.Spawner.pre_spawn_hook = _prepare
