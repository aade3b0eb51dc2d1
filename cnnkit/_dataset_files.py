"""Finding, checking and downloading the files of a dataset: one flow for every loader.

A :class:`DatasetFiles` describes a dataset's files (name -> SHA-256), how to read them,
where they may already be and how Keras downloads them; :func:`find_and_read` then looks,
in order, in the folder the user named (``data_dir`` or ``$CNNKIT_DATA_DIR``: the only place
searched when one is named), the Keras cache, a Debian package folder, and last a download
through ``keras.datasets``. Every failure names the places it searched and the fixes.

Example:
    >>> from pathlib import Path
    >>> spec = DatasetFiles("Toy", {"toy.npz": "0" * 64}, read=lambda paths: paths,
    ...                     download=lambda: None, loader="load_toy")
    >>> find_and_read(spec, ("`data_dir`", Path("/nonexistent")), download=False)
    Traceback (most recent call last):
    ...
    cnnkit._dataset_files.DatasetNotFoundError: `data_dir` is /nonexistent, which does not exist...
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnnkit._paths import keras_cache
from cnnkit._validate import type_name

__all__ = ["DATA_DIR_ENV", "DatasetNotFoundError", "DatasetIntegrityError", "DatasetFiles",
           "user_dir", "find_and_read", "read_gz_content", "check_file_sha256"]

DATA_DIR_ENV = "CNNKIT_DATA_DIR"


class DatasetNotFoundError(FileNotFoundError):
    """No copy of a dataset was found and it could not be downloaded."""


class DatasetIntegrityError(ValueError):
    """A dataset file exists but is corrupt, truncated or not the expected file."""


@dataclass(frozen=True)
class DatasetFiles:
    """A dataset's files and where to find them.

    Attributes:
        name: the dataset's name in messages, e.g. ``"Fashion-MNIST"``.
        files: file name -> expected SHA-256 (what ``read`` checks).
        read: reads ``{file name: path}`` into arrays, checking every file.
        download: asks Keras to download the files into its cache (raises on failure).
        loader: the cnnkit function that loads it, for the advice in messages.
        subdir: the folder of the Keras cache (``.../datasets/<subdir>``) that holds the
            files, and a subfolder also accepted inside a named folder; ``None`` for the
            cache's top folder.
        debian: the folder of a Debian package that ships the files, or ``None``.
        apt_package: that package's name, for the advice in messages.
    """

    name: str
    files: Mapping[str, str]
    read: Callable[[dict[str, Path]], Any]
    download: Callable[[], None]
    loader: str
    subdir: str | None = None
    debian: Path | None = None
    apt_package: str | None = None


def user_dir(data_dir: Any) -> tuple[str, Path] | None:
    """The folder the user named (``data_dir`` or ``$CNNKIT_DATA_DIR``) with its label."""
    if data_dir is not None:
        if not isinstance(data_dir, str | os.PathLike):
            raise TypeError(
                f"`data_dir` must be a folder path (str or pathlib.Path) or None, got "
                f"{type_name(data_dir)}: {data_dir!r}."
            )
        return "`data_dir`", Path(data_dir).expanduser()
    if os.environ.get(DATA_DIR_ENV):
        return f"${DATA_DIR_ENV}", Path(os.environ[DATA_DIR_ENV]).expanduser()
    return None


def find_and_read(spec: DatasetFiles, user: tuple[str, Path] | None, *, download: bool) -> Any:
    """Find the files of ``spec`` (see the module docstring for the order) and read them.

    Raises:
        DatasetNotFoundError: the named folder lacks the files, or no copy was found and
            none could be downloaded (the message lists every place searched).
        DatasetIntegrityError: a file failed its check (raised by ``spec.read``).
    """
    if user is not None:
        label, folder = user
        subfolders = [folder / spec.subdir] if spec.subdir else []
        for candidate in (*subfolders, folder):
            found = _files_in(candidate, spec)
            if found is not None:
                return spec.read(found)
        raise _missing_in_user_dir(label, folder, spec)
    cache = keras_cache("datasets") / spec.subdir if spec.subdir else keras_cache("datasets")
    searched = [f"data_dir argument / ${DATA_DIR_ENV}: not given"]
    places = [("Keras cache", cache)]
    if spec.debian is not None:
        places.append((f"Debian package {spec.apt_package}", spec.debian))
    for label, folder in places:
        found = _files_in(folder, spec)
        if found is not None:
            return spec.read(found)
        searched.append(f"{label}: {folder} ({_names(spec)} not there)")
    if spec.debian is None:
        searched.append(f"Debian/Ubuntu: no package ships {spec.name} in Keras's format")
    if not download:
        searched.append("download through keras.datasets: not tried (download=False)")
        raise DatasetNotFoundError(_not_found_message(spec, searched))
    error = _try_download(spec.download)
    if error is None:
        found = _files_in(cache, spec)
        if found is not None:
            return spec.read(found)
        error = f"Keras reported success but the files are not in {cache}"
    searched.append(f"download through keras.datasets: failed ({error})")
    raise DatasetNotFoundError(_not_found_message(spec, searched))


def _names(spec: DatasetFiles) -> str:
    return ", ".join(spec.files)


def _files_in(folder: Path, spec: DatasetFiles) -> dict[str, Path] | None:
    paths = {name: folder / name for name in spec.files}
    return paths if all(p.is_file() for p in paths.values()) else None


def _missing_in_user_dir(label: str, folder: Path, spec: DatasetFiles) -> Exception:
    """The error for a named folder that does not exist or lacks the dataset files."""
    if not folder.is_dir():
        problem, missing = "does not exist", tuple(spec.files)
    else:
        missing = tuple(f for f in spec.files if not (folder / f).is_file())
        problem = "lacks " + ", ".join(missing)
    where = f"or its {spec.subdir}/ subfolder " if spec.subdir else ""
    return DatasetNotFoundError(
        f"{label} is {folder}, which {problem}. Put {', '.join(missing)} there {where}"
        f"or point {label} to the folder that holds them; cnnkit does not fall back to "
        "other copies when a folder is named."
    )


def _try_download(download: Callable[[], None]) -> str | None:
    """Run a Keras download; return None on success or a one-line reason on failure."""
    try:
        download()
    except Exception as exc:  # noqa: BLE001 - reported in the not-found message, with fixes
        text = str(exc).strip().splitlines()
        return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]
    return None


def _not_found_message(spec: DatasetFiles, searched: list[str]) -> str:
    lines = [f"{spec.name} was not found on this computer and could not be downloaded.",
             "Searched:"]
    lines += [f"  - {place}" for place in searched]
    lines.append("Fix it with any one of these:")
    if spec.apt_package:
        lines.append(
            f"  - install the Debian/Ubuntu package: sudo apt-get install {spec.apt_package}"
        )
    lines.append(
        "  - connect to the internet once: Keras downloads the files into "
        f"{keras_cache('datasets')} and later runs work offline"
    )
    lines.append(
        f"  - copy the files ({_names(spec)}) into a folder and set {DATA_DIR_ENV}=/that/folder "
        "(or pass data_dir=...)"
    )
    lines.append(f"  - or use the small sample shipped with cnnkit: {spec.loader}(sample=True)")
    return "\n".join(lines)


def integrity_error(path: Path, problem: str) -> DatasetIntegrityError:
    """The error for a file that exists but is not the expected one."""
    return DatasetIntegrityError(
        f"{path} is not a valid copy ({problem}). It may be truncated or corrupt. "
        "cnnkit never overwrites your files: delete or move this file yourself and run "
        "again (the loader then uses another copy or downloads a fresh one), or point "
        f"{DATA_DIR_ENV} to a good copy."
    )


def read_gz_content(path: Path, expected_sha256: str) -> bytes:
    """The decompressed content of a .gz file, checked by the SHA-256 of that content.

    Hashing the content rather than the .gz bytes lets a download and a re-compressed
    copy (Debian's) verify against one value; a truncated .gz fails decompression.
    """
    try:
        with gzip.open(path, "rb") as handle:
            content = handle.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise integrity_error(path, f"cannot decompress: {exc}") from exc
    digest = hashlib.sha256(content).hexdigest()
    if digest != expected_sha256:
        raise integrity_error(
            path, f"SHA-256 of its content is {digest}, expected {expected_sha256}"
        )
    return content


def check_file_sha256(path: Path, expected_sha256: str) -> None:
    """Raise :class:`DatasetIntegrityError` unless the file's SHA-256 is the expected one."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected_sha256:
        raise integrity_error(path, f"SHA-256 is {digest.hexdigest()}, expected {expected_sha256}")
