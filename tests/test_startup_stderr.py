"""No red stderr block under a notebook's first cell: ``import cnnkit`` imports Keras with
TensorFlow's start-up lines kept off file descriptor 2 (``cnnkit._quiet_import``).

Tested the way a student meets it: a Jupyter kernel with ipykernel's default
``capture_fd_output`` (what JupyterLab starts) runs the canonical first cell, then stays
alive a few seconds so that late writes to the descriptor would still arrive. A control run
of ``import keras`` in the same harness shows that the harness does see TensorFlow's lines.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cnnkit import _quiet_import

ROOT = Path(__file__).resolve().parents[1]

FIRST_CELL = '''\
# NBVAL_IGNORE_OUTPUT
# Preparación: cnnkit (que carga Keras sin mensajes de arranque), semilla e idioma.
try:
    import cnnkit
except ModuleNotFoundError:
    raise ModuleNotFoundError(
        "Este cuaderno necesita el paquete cnnkit, que no está instalado en este entorno. "
        "Instálalo en una celda con  %pip install cnnkit  (o con el archivo .whl que te dé tu "
        "profesor:  %pip install cnnkit-0.1.0-py3-none-any.whl ), reinicia el núcleo y vuelve a "
        "ejecutar el cuaderno."
    ) from None
cnnkit.setup(seed=0, language="es")
import keras
import numpy as np
'''
"""The canonical first code cell of every notebook, followed by typical imports."""

LINGER = 5.0
"""Seconds the kernel stays alive after the cell, for late descriptor output."""


def run_in_jupyter_kernel(code: str) -> list[tuple[str, str]]:
    """Run ``code`` in a fresh python3 kernel with default options; return its streams.

    The kernel's environment is the student's: ``TF_CPP_MIN_LOG_LEVEL`` unset, and no
    ``PYTEST_CURRENT_TEST`` (ipykernel turns its descriptor capture off when it sees that
    variable, which would hide exactly what this test looks for).
    Returns ``(name, text)`` for every stream message (and ``("error", ename)``) received
    until :data:`LINGER` seconds after the kernel went idle.
    """
    from jupyter_client.manager import start_new_kernel

    hidden = ("TF_CPP_MIN_LOG_LEVEL", "PYTEST_CURRENT_TEST")
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    manager, client = start_new_kernel(kernel_name="python3", env=env, cwd=str(ROOT))
    try:
        msg_id = client.execute(code)
        received: list[tuple[str, str]] = []
        deadline = time.monotonic() + 300
        idle_at = None
        while time.monotonic() < (deadline if idle_at is None else idle_at + LINGER):
            end = deadline if idle_at is None else idle_at + LINGER
            try:
                msg = client.get_iopub_msg(timeout=max(0.05, end - time.monotonic()))
            except Exception:  # queue.Empty: nothing more within the time left
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                received.append((content["name"], content["text"]))
            elif kind == "error":
                received.append(("error", f"{content['ename']}: {content['evalue']}"))
            elif (kind == "status" and content["execution_state"] == "idle"
                  and msg["parent_header"].get("msg_id") == msg_id):
                idle_at = time.monotonic()
        assert idle_at is not None, f"the cell did not finish: {received}"
        return received
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _stderr(streams: list[tuple[str, str]]) -> str:
    return "".join(text for name, text in streams if name != "stdout")


CONTROL = "import keras\n"
"""The control cell: Keras imported without cnnkit."""


@pytest.fixture(scope="module")
def kernel_streams() -> dict[str, list[tuple[str, str]]]:
    """The streams of :data:`CONTROL` and :data:`FIRST_CELL`, each in a fresh kernel of its own.

    The two kernels run at the same time (two threads; each has its own kernel process and
    client): their start-up and the :data:`LINGER` seconds overlap instead of adding up.
    """
    with ThreadPoolExecutor(2) as pool:
        runs = {code: pool.submit(run_in_jupyter_kernel, code) for code in (CONTROL, FIRST_CELL)}
        return {code: run.result() for code, run in runs.items()}


def test_the_harness_sees_tensorflow_start_up_lines_without_cnnkit(kernel_streams):
    """Control: without cnnkit's import, the same kernel shows TensorFlow's lines as stderr.

    If this fails, TensorFlow stopped writing them and the next test proves nothing.
    """
    stderr = _stderr(kernel_streams[CONTROL])
    assert "absl::InitializeLog" in stderr or "oneDNN" in stderr, stderr


def test_the_first_cell_of_a_notebook_shows_no_stderr(kernel_streams):
    streams = kernel_streams[FIRST_CELL]
    assert not _stderr(streams), _stderr(streams)
    stdout = "".join(text for name, text in streams if name == "stdout")
    assert stdout.startswith("cnnkit ") and "semilla 0" in stdout


def _run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that can import the modules in ``tmp_path``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


NOISY = """\
import os
os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written\\n")
os.write(2, b"I0000 00:00:1.5  42 port.cc:153] oneDNN custom operations are on. Hello\\n")
os.write(2, b"E0000 00:00:1.5  42 kernel.cc:7] a real problem\\n")
"""


def test_quiet_import_drops_start_up_noise_and_keeps_other_lines(tmp_path):
    (tmp_path / "noisy.py").write_text(NOISY)
    result = _run_python("""
        import os, sys
        from cnnkit._quiet_import import _redirected_import, quiet_import
        quiet_import("noisy")
        os.write(2, b"after the import\\n")
        """, tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "E0000 00:00:1.5  42 kernel.cc:7] a real problem" in lines
    assert "after the import" in lines  # descriptor 2 restored
    assert not any("oneDNN" in line or "InitializeLog" in line for line in lines)


def test_a_failing_import_raises_with_what_was_captured(tmp_path):
    (tmp_path / "broken.py").write_text(NOISY + "raise RuntimeError('broken build')\n")
    (tmp_path / "needs_missing.py").write_text("import module_that_is_not_installed\n")
    result = _run_python("""
        import os
        from cnnkit._quiet_import import quiet_import
        try:
            quiet_import("broken")
        except RuntimeError as error:
            print("RuntimeError", error, *error.__notes__, sep="|")
        try:
            quiet_import("needs_missing")
        except ModuleNotFoundError:
            print("wrong: the first cell would say cnnkit is missing")
        except ImportError as error:
            print("ImportError", error)
        os.write(2, b"after the import\\n")
        """, tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "RuntimeError|broken build|Written to stderr while broken was imported" in result.stdout
    assert "a real problem" in result.stdout and "oneDNN" in result.stdout
    assert "ImportError cnnkit needs Keras 3 and TensorFlow" in result.stdout
    assert "pip install" in result.stdout and "wrong" not in result.stdout
    assert result.stderr.splitlines() == ["after the import"]


FAKE_TENSORFLOW = """\
import os
class config:
    listed = 0
    @classmethod
    def list_physical_devices(cls):
        cls.listed += 1
        os.write(2, b"E0000 00:00:1.5  42 cuda_platform.cc:52] failed call to cuInit: INTERNAL: "
                    b"CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)\\n")
        return []
"""
"""A stand-in for TensorFlow's CUDA build on a machine without a GPU (what plain
``tensorflow`` 2.21.0 wrote under the first computing cell of every notebook in a hosted
image simulated by ``scripts/check_install.py --hosted``)."""


def test_quiet_import_lists_tensorflows_devices_while_stderr_is_redirected(tmp_path):
    (tmp_path / "tensorflow.py").write_text(FAKE_TENSORFLOW)
    (tmp_path / "fakekeras.py").write_text("import tensorflow\n")
    result = _run_python("""
        import os, tensorflow
        from cnnkit._quiet_import import quiet_import
        quiet_import("fakekeras")
        print("listed", tensorflow.config.listed)
        os.write(2, b"after the import\\n")
        """, tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["listed", "1"]  # during the import: its line dropped
    assert result.stderr.splitlines() == ["after the import"]


def test_known_start_up_lines_are_noise_and_errors_are_not():
    assert _quiet_import._noise(
        "E0000 00:00:1796672172.204446   17359 cuda_platform.cc:52] failed call to cuInit: "
        "INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)")
    assert _quiet_import._noise(
        "I0000 00:00:1796601399.617865    8350 cpu_feature_guard.cc:227] This TensorFlow "
        "binary is optimized to use available CPU instructions in performance-critical "
        "operations.")
    assert _quiet_import._noise("To enable the following instructions: AVX2 FMA, in other "
                                "operations, rebuild TensorFlow with the appropriate compiler")
    assert not _quiet_import._noise("Traceback (most recent call last):")
    assert not _quiet_import._noise("F0000 00:00:1.0  1 check.cc:1] Check failed")


def test_execute_notebooks_runs_kernels_like_jupyterlab():
    """Stored runs show what students see: the default descriptor capture, not turned off."""
    script = (ROOT / "scripts" / "execute_notebooks.py").read_text()
    assert "capture_fd_output" not in script.split('"""', 2)[2]
