"""cnnkit looks for Keras's downloads exactly where ``keras.utils.get_file`` puts them."""

from __future__ import annotations

import os
from pathlib import Path

import keras
import pytest
from keras.src.backend import config

from cnnkit._paths import keras_cache


def _downloaded_to(tmp_path: Path, subdir: str) -> Path:
    """Where get_file stores a file (a file:// origin: no network needed)."""
    source = tmp_path / "source.txt"
    source.write_text("x")
    name = f"cnnkit_paths_{os.getpid()}_{tmp_path.name}.txt"
    path = Path(keras.utils.get_file(name, origin=source.as_uri(), cache_subdir=subdir))
    path.unlink()  # leave no file behind, in /tmp/.keras either
    return path.parent


@pytest.mark.parametrize("case", ["set", "empty", "missing", "unset"])
def test_keras_cache_is_where_get_file_stores(tmp_path, monkeypatch, case):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    values = {"set": str(tmp_path), "empty": "", "missing": str(tmp_path / "nowhere")}
    if case == "unset":
        monkeypatch.delenv("KERAS_HOME", raising=False)
        (home / ".keras").mkdir()  # Keras creates it when it is imported
        # what keras.src.backend.config computes at import time when the variable is unset
        monkeypatch.setattr(config, "_KERAS_DIR", os.path.join(str(home), ".keras"))
    else:
        monkeypatch.setenv("KERAS_HOME", values[case])
        monkeypatch.setattr(config, "_KERAS_DIR", values[case])
    for subdir in ("datasets", "models"):
        assert keras_cache(subdir) == _downloaded_to(tmp_path, subdir)
    expected = {"set": tmp_path, "unset": home / ".keras"}.get(case, Path("/tmp/.keras"))
    assert keras_cache("models") == expected / "models"


def test_setting_keras_home_after_keras_is_imported_changes_nothing(tmp_path, monkeypatch):
    # Keras fixed its home when it was imported; get_file and cnnkit both keep it.
    before = keras_cache("datasets")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert keras_cache("datasets") == before == _downloaded_to(tmp_path, "datasets")
    assert Path(config.keras_home()) != tmp_path
