"""JupyterLab of the course speaks Spanish: the `course` extra brings the Spanish language
pack and scripts/course.sh makes es_ES the default locale of the environment's JupyterLab."""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PACK = "jupyterlab-language-pack-es-es"
PLUGIN = "@jupyterlab/translation-extension:plugin"


def _write_default(venv: Path, **env: str) -> Path:
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "lab_language.sh"), str(venv)],
        check=True, env={"PATH": "/usr/bin:/bin", **env},
    )  # fmt: skip
    return venv / "share" / "jupyter" / "lab" / "settings"


def test_the_course_extra_installs_the_spanish_language_pack():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    names = {Requirement(spec).name.lower() for spec in extras["course"]}
    assert PACK in names


def test_course_script_sets_the_language_before_it_opens_jupyterlab():
    script = (ROOT / "scripts" / "course.sh").read_text()
    language = script.index('scripts/lab_language.sh" "$VENV"')
    assert language < script.index("jupyter lab")


def test_the_default_locale_is_written_once_and_read_by_jupyterlab_server(tmp_path):
    settings = _write_default(tmp_path)
    _write_default(tmp_path)  # a second run changes nothing
    written = list(settings.rglob("*.json"))
    assert written == [settings / "overrides.d" / "cnnkit.json"]
    assert json.loads(written[0].read_text()) == {PLUGIN: {"locale": "es_ES"}}
    settings_utils = pytest.importorskip("jupyterlab_server.settings_utils")
    overrides, error = settings_utils._get_overrides(str(settings))
    assert error == "" and overrides[PLUGIN] == {"locale": "es_ES"}
    _write_default(tmp_path, LOCALE="en")  # how to make English the default again
    assert settings_utils._get_overrides(str(settings))[0][PLUGIN] == {"locale": "en"}


def test_the_spanish_pack_is_installed_and_translates_the_menus():
    pytest.importorskip("jupyterlab", reason="the `course` extra is not installed")
    translation = pytest.importorskip("jupyterlab_server.translation_utils")
    packs, _ = translation.get_language_packs("es_ES")
    assert "es_ES" in packs
    data, message = translation.get_language_pack("es_ES")
    assert message == ""
    assert data["jupyterlab"]["Run All Cells"] == ["Ejecutar todas las celdas"]
