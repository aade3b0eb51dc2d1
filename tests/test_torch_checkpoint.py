"""The checkpoint reader is memory-safe: crafted files get a clear CheckpointError.

``cnnkit._torch_checkpoint`` reads files users pass (``backbone(..., weights=PATH)``), so
each malformed input below must raise the module's own error, naming the file and what is
wrong, without crashing, reading outside a storage or allocating what the file declares.
The files are written opcode by opcode (no PyTorch needed), starting from a valid one.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from cnnkit._torch_checkpoint import CheckpointError, load_state_dict

MAGIC = 0x1950A86A20F9469CFC6C
SYS_INFO = {
    "protocol_version": 1001,
    "little_endian": True,
    "type_sizes": {"short": 2, "int": 4, "long": 4},
}
VALUES = np.arange(6, dtype=np.float32)
STORAGES = ((6, VALUES.tobytes()),)  # (element count, bytes) of each storage


def _op(value: object) -> bytes:
    """The opcodes that push ``value`` (a protocol-2 pickle without PROTO and STOP)."""
    return pickle.dumps(value, protocol=2)[2:-1]


def _global(module: str, name: str) -> bytes:
    return b"c" + f"{module}\n{name}\n".encode()


def _tensor(key="0", offset=0, size=(2, 3), stride=(3, 1), numel=6, kind="FloatStorage") -> bytes:
    """``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())``."""
    storage = (
        b"("
        + _op("storage")
        + _global("torch", kind)
        + _op(key)
        + _op("cpu")
        + _op(numel)
        + b"Nt"
        + b"Q"
    )
    hooks = _global("collections", "OrderedDict") + b")R"
    args = (
        b"("
        + storage
        + _op(offset)
        + _op(tuple(size))
        + _op(tuple(stride))
        + b"\x89"
        + hooks
        + b"t"
    )
    return _global("torch._utils", "_rebuild_tensor_v2") + args + b"R"


def _state(**tensors: bytes) -> bytes:
    items = b"".join(_op(name) + value for name, value in tensors.items())
    return b"\x80\x02" + _global("collections", "OrderedDict") + b")R(" + items + b"u."


def _checkpoint(
    state: bytes | None = None,
    *,
    keys=("0",),
    storages=STORAGES,
    magic=MAGIC,
    version=1001,
    sys_info=None,
) -> bytes:
    head = (
        pickle.dumps(magic, protocol=2)
        + pickle.dumps(version, protocol=2)
        + pickle.dumps(SYS_INFO if sys_info is None else sys_info, protocol=2)
    )
    body = _state(w=_tensor()) if state is None else state
    data = b"".join(struct.pack("<q", count) + raw for count, raw in storages)
    return head + body + pickle.dumps(list(keys), protocol=2) + data


def _zip() -> bytes:
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"cnnkit_zip_{os.getpid()}.pth"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", b"")
    data = path.read_bytes()
    path.unlink()
    return data


VALID = _checkpoint()
HUGE_STRING = b"\x80\x02X" + struct.pack("<I", 2**31) + b"abc"  # BINUNICODE of 2 GiB, 3 bytes

#: name -> (file contents, the words its CheckpointError must contain)
CRAFTED: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "it is empty"),
    "text": (b"not a checkpoint", "magic number is malformed"),
    "zip_archive": (_zip(), "zip-format"),
    "wrong_magic": (_checkpoint(magic=1234), "magic number"),
    "wrong_protocol_version": (_checkpoint(version=1000), "protocol version is not 1001"),
    "big_endian": (_checkpoint(sys_info={**SYS_INFO, "little_endian": False}), "little-endian"),
    "pickle_protocol_0": (pickle.dumps(MAGIC, protocol=0) + VALID[16:], "protocol 2 to 5"),
    "out_of_bounds_offset": (
        _checkpoint(_state(w=_tensor(offset=4))),
        "needs elements 4 to 10 of a storage of 6",
    ),
    "far_out_of_bounds_offset": (
        _checkpoint(_state(w=_tensor(offset=2**40))),
        "needs elements 1099511627776 to 1099511627782 of a storage of 6",
    ),
    "larger_than_storage": (
        _checkpoint(_state(w=_tensor(size=(4, 3), stride=(3, 1)))),
        "needs elements 0 to 12 of a storage of 6",
    ),
    "negative_size": (_checkpoint(_state(w=_tensor(size=(-2, 3)))), "negative size"),
    "negative_offset": (_checkpoint(_state(w=_tensor(offset=-3))), "negative size or offset"),
    "huge_size": (
        _checkpoint(_state(w=_tensor(size=(2**40, 2**40), stride=(2**40, 1)))),
        "declares 1208925819614629174706176 elements",
    ),
    "huge_stride": (_checkpoint(_state(w=_tensor(size=(2, 1), stride=(2**62, 1)))), "not dense"),
    "far_stride": (_checkpoint(_state(w=_tensor(size=(2, 3), stride=(2**36, 1)))), "not dense"),
    "overlapping_strides": (
        _checkpoint(_state(w=_tensor(size=(2, 3), stride=(0, 1)))),
        "not dense",
    ),
    "negative_stride": (_checkpoint(_state(w=_tensor(size=(2, 3), stride=(-3, 1)))), "not dense"),
    "gappy_stride": (_checkpoint(_state(w=_tensor(size=(2, 2), stride=(4, 1)))), "not dense"),
    "huge_storage_numel": (
        _checkpoint(_state(w=_tensor(numel=2**62))),
        "declares 4611686018427387904",
    ),
    "storage_count_mismatch": (
        _checkpoint(storages=((2**61, VALUES.tobytes()),)),
        "holds 2305843009213693952 elements, not the 6 declared",
    ),
    "truncated_storage": (VALID[:-5], "truncated"),
    "truncated_pickle": (VALID[:60], "is malformed"),
    "huge_pickle_string": (HUGE_STRING, "magic number is malformed"),
    "bytes_after_storages": (VALID + b"\x00" * 8, "bytes after its last storage"),
    "extra_global": (
        _checkpoint(_state(w=_global("os", "system") + b"(" + _op("true") + b"tR")),
        "refers to os.system",
    ),
    "builtins_eval": (
        _checkpoint(_state(w=_global("builtins", "eval") + b"(" + _op("1") + b"tR")),
        "refers to builtins.eval",
    ),
    "global_in_header": (_global("os", "system").join([b"\x80\x02", b"."]), "unexpected os.system"),
    "not_a_tensor": (_checkpoint(_state(w=_op(3))), "'w' is a int, not a tensor"),
    "not_a_dict": (_checkpoint(b"\x80\x02" + _op([1, 2]) + b"."), "holds a list, not a state dict"),
    "unknown_storage_type": (
        _checkpoint(_state(w=_tensor(kind="QInt8Storage"))),
        "refers to torch.QInt8Storage",
    ),
    "bad_persistent_id": (
        _checkpoint(b"\x80\x02" + _op(("file", "/etc/passwd")) + b"Q."),
        "unexpected persistent id",
    ),
    "storage_list_mismatch": (_checkpoint(keys=("0", "1")), "does not match"),
    "size_not_ints": (_checkpoint(_state(w=_tensor(size=("a", 3)))), "other than ints"),
}


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / f"{name}.pth"
    path.write_bytes(data)
    return path


def test_valid_file_reads_contiguous_and_transposed_tensors(tmp_path):
    state = _state(
        w=_tensor(), t=_tensor(size=(3, 2), stride=(1, 3)), s=_tensor(offset=5, size=(), stride=())
    )
    loaded = load_state_dict(_write(tmp_path, "valid", _checkpoint(state)))
    np.testing.assert_array_equal(loaded["w"], VALUES.reshape(2, 3))
    np.testing.assert_array_equal(loaded["t"], VALUES.reshape(2, 3).T)  # a transposed view
    assert loaded["s"].shape == () and loaded["s"] == 5.0
    assert all(v.flags.c_contiguous and v.flags.writeable for v in loaded.values())


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_crafted_file_gets_a_clear_checkpoint_error(tmp_path, name):
    data, words = CRAFTED[name]
    path = _write(tmp_path, name, data)
    with pytest.raises(CheckpointError) as info:
        load_state_dict(path)
    message = str(info.value)
    assert str(path) in message and words in message, message


def test_sha256_is_checked_before_parsing(tmp_path):
    path = _write(tmp_path, "valid", VALID)
    import hashlib

    assert load_state_dict(path, sha256=hashlib.sha256(VALID).hexdigest())["w"].shape == (2, 3)
    with pytest.raises(CheckpointError, match="SHA-256 is .*, not the expected 00"):
        load_state_dict(path, sha256="00" * 32)


def test_missing_file_is_a_checkpoint_error(tmp_path):
    with pytest.raises(CheckpointError, match="No such file"):
        load_state_dict(tmp_path / "missing.pth")


def test_no_crafted_file_crashes_the_interpreter(tmp_path):
    """Every crafted file in a fresh interpreter: no SIGSEGV, only CheckpointError."""
    paths = [str(_write(tmp_path, name, data)) for name, (data, _) in CRAFTED.items()]
    script = (
        "import sys\n"
        "from cnnkit._torch_checkpoint import CheckpointError, load_state_dict\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        load_state_dict(path)\n"
        "        print('LOADED', path)\n"
        "    except CheckpointError:\n"
        "        print('ok', path)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, *paths], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split().count("ok") == len(paths), run.stdout
