"""Every builder file of cnnkit/models/, copied alone, works on the JAX backend too.

Instructors copy one builder file into an assignment whose course may run Keras on JAX.
Subprocesses with ``KERAS_BACKEND=jax`` (Keras picks its backend once per process, so the
rest of the suite stays on TensorFlow) copy each builder file alone into an empty folder of its
own, import it there with cnnkit unimportable, and for every builder: build it (small input,
3 classes; the large families in a narrow, shallow configuration, since JAX compiles every new
operation shape), predict a batch of two images and train one step, both jit-compiled as Keras
does by default on JAX; the loss must be finite and the weights must change. Two such
subprocesses run at once (:data:`PROCESSES`, the cores of the course's machines) and share the
files: each takes the next file nobody has claimed (an exclusive create of a claim file), so
the two stay busy until the last file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_models_standalone import BUILDER_FILES, MODELS_DIR

pytestmark = pytest.mark.jax  # a step of .ci/run of its own (scripts/test.sh deselects it)

SCRIPT = r'''
import ast, importlib.util, inspect, json, os, shutil, sys, time
from pathlib import Path

class NoCnnkit:
    def find_spec(self, name, path=None, target=None):
        if name == "cnnkit" or name.startswith("cnnkit."):
            raise ModuleNotFoundError(f"No module named {name!r} (standalone copy)")
sys.meta_path.insert(0, NoCnnkit())
import keras
import numpy as np
assert keras.backend.backend() == "jax", keras.backend.backend()
files, source, folder = json.loads(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
claims = Path(sys.argv[4])  # shared by the processes: one empty file per file taken
# Eager JAX compiles every new operation shape: the full-size families take minutes each, and
# the same code paths run in their small members.
SMALL = {"alexnet": {"width": 0.25, "dense_units": 64}, "zfnet": {"width": 0.25, "dense_units": 64},
         "densenet": {"blocks": (2, 2), "growth_rate": 8}, "resnet": {"depth": 18},
         "googlenet": {"width": 0.25}, "vgg": {"config": "A", "width": 0.25, "dense_units": 64},
         "deck_cnn": {}}
results = {}
for filename, builders in files.items():
    try:  # the first process to create the claim runs this file; the other skips it
        os.close(os.open(claims / filename, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        continue
    (folder / Path(filename).stem).mkdir()  # an empty folder of its own
    copy = folder / Path(filename).stem / filename
    shutil.copy(source / filename, copy)
    spec = importlib.util.spec_from_file_location(f"standalone_{copy.stem}", copy)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in builders:
        builder = getattr(module, name)
        start = time.perf_counter()
        default = inspect.signature(builder).parameters["input_shape"].default
        model = None
        for options in (SMALL.get(name, {}), {}):  # a narrow, shallow member of the family
            for shape in ((32, 32, 3), (64, 64, 3), (96, 96, 3), (128, 128, 3), default):
                try:
                    model = builder(shape, 3, **options)
                    break
                except (TypeError, ValueError):
                    continue
            if model is not None:
                break
        shape = tuple(model.input_shape[1:])
        x = np.random.default_rng(0).random((2, *shape), dtype="float32")
        y = np.array([0, 2])
        # jit_compile=True, Keras's default on JAX: one XLA program for predict and one for
        # the training step (op-by-op eager JAX compiles every new operation shape apart)
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                      jit_compile=True)
        probs = model.predict(x, verbose=0)
        before = [w.copy() for w in model.get_weights()]
        loss = float(np.asarray(model.train_on_batch(x, y)).ravel()[0])
        changed = any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
        results[f"{filename}:{name}"] = {"shape": list(shape), "out": list(probs.shape),
                                         "loss": loss, "changed": changed,
                                         "seconds": round(time.perf_counter() - start, 1)}
print(json.dumps(results))
'''


PROCESSES = 2
"""JAX subprocesses at once; they share the builder files."""

FAST_COMPILE = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"
"""XLA flags of the subprocesses (unless XLA_FLAGS is set): a batch of two images runs in no
time, compiling it is what takes the seconds, so XLA optimises the code it emits less."""


def test_every_builder_file_builds_predicts_and_trains_on_jax(tmp_path):
    assert importlib.util.find_spec("jax"), (
        "jax is missing: run `bash scripts/jax_env.sh`, then this test with .venv-jax/bin/python")
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu",
           "XLA_FLAGS": os.environ.get("XLA_FLAGS", FAST_COMPILE)}
    env.pop("PYTHONPATH", None)
    (tmp_path / "claims").mkdir()
    runs = []
    for index in range(PROCESSES):
        folder = tmp_path / f"process{index}"
        folder.mkdir()
        args = [json.dumps(BUILDER_FILES), MODELS_DIR, folder, tmp_path / "claims"]
        runs.append(subprocess.Popen([sys.executable, "-c", SCRIPT, *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=env, cwd=folder))  # fmt: skip
    results = {}
    try:
        for run in runs:
            stdout, stderr = run.communicate(timeout=600)
            assert run.returncode == 0, stderr[-3000:]
            ran = json.loads(stdout.strip().splitlines()[-1])
            assert not set(ran) & set(results), f"run twice: {set(ran) & set(results)}"
            results.update(ran)
    finally:  # a failure or a timeout leaves no JAX process behind
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.communicate()
    expected = {f"{f}:{b}" for f, builders in BUILDER_FILES.items() for b in builders}
    assert set(results) == expected
    print("seconds per builder (build, predict, one step): " + ", ".join(
        f"{key.split(':')[1]} {r['seconds']}" for key, r in sorted(results.items())))
    for key, r in results.items():
        assert r["out"] == [2, 3], key
        assert r["loss"] == r["loss"] and r["loss"] < 1e4, key  # finite
        assert r["changed"], f"{key}: one training step changed no weight"


TF_ONLY = r'''
import numpy as np, keras
import cnnkit.data, cnnkit.viz.network
assert keras.backend.backend() == "jax"
messages = []
for call in (lambda: cnnkit.data.make_dataset(np.zeros((4, 8, 8)), np.zeros(4, int),
                                              batch_size=2, shuffle=False),
             lambda: cnnkit.viz.network.grad_cam_heatmap(
                 keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, name="c"),
                                   keras.layers.GlobalAveragePooling2D()]), np.ones((8, 8)), "c")):
    try:
        call()
        messages.append("no error")
    except RuntimeError as error:
        messages.append(str(error))
print(json.dumps(messages))
'''


def test_tensorflow_only_parts_say_so_on_jax(tmp_path):
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu", "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", "import json\n" + TF_ONLY], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    data, cam = json.loads(done.stdout.strip().splitlines()[-1])
    assert data.startswith("cnnkit.data.make_dataset needs the TensorFlow backend"), data
    assert cam.startswith("cnnkit.viz.grad_cam needs the TensorFlow backend"), cam
    assert "KERAS_BACKEND=tensorflow" in data
