"""The one source of the code that every builder file carries a verbatim copy of.

Each builder file under ``cnnkit/models/`` imports only ``keras`` and the standard library, so
an instructor can copy that one file into an assignment (the copy-one-file promise). The
argument checks they share, and the ``LocalResponseNormalization`` layer of ``alexnet.py`` and
``vgg.py``, are therefore copied into them between marker comments. This module is where they
are written. That generated block (97 to 168 lines) is why several builder files run past
the package's about-300-lines-per-module rule: it is the price of copy-one-file, not a second
concept, so leave it in place. Each builder file gets, between the lines ``# >>> shared`` and
``# <<< shared``, the functions of this module it uses (and those they use), in this module's order;
``tests/test_builder_rules.py`` fails when a copy differs. After editing one here, or
when a builder starts using another, regenerate the copies with::

    python -m cnnkit.models._shared

The rules the checks implement, for every builder (those of ``cnnkit._validate``):

- a value of the wrong type raises ``TypeError``, a value of the right type out of range
  ``ValueError``; the message names the argument in backticks and says what it must be;
- NumPy integers are accepted where ints are (``conv_net(shape, y.max() + 1)``); ``bool``
  and strings such as ``"10"`` are not;
- ``num_classes`` is an int >= 2, or ``None`` for the convolutional base alone, whose end
  ``pooling`` chooses: ``None`` (the last feature maps), ``"avg"`` or ``"max"`` (their global
  average or maximum), as in ``keras.applications``;
- ``classifier_activation`` is a Keras activation name, a callable or ``None`` (logits);
- ``name`` is a non-empty str, or ``None`` for the builder's default name.
"""

from __future__ import annotations

import numbers
import re
import warnings
from pathlib import Path
from typing import Any, NoReturn

import keras

# >>> shared (the source of the copies)


def _fail(error: type[Exception], name: str, words: str, value: Any, hint: str = "") -> NoReturn:
    """Raise ``error``: "`name` must be <words>, got <value>." (with its type for TypeError)."""
    kind, module = type(value).__qualname__, type(value).__module__
    kind = kind if module == "builtins" else f"{module}.{kind}"
    got = f"{kind}: {value!r}" if error is TypeError else repr(value)
    raise error(f"`{name}` must be {words}, got {got}.{' ' + hint if hint else ''}")


def _is_int(value: Any) -> bool:  # ints and NumPy integers, not bool
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_int(value: Any, name: str, low: int = 1, high: int | None = None, *,
               none: str = "") -> Any:  # fmt: skip
    """An int (NumPy integers too) in [low, high]; None allowed when ``none`` says what it means."""
    if value is None and none:
        return None
    words = f"an int {f'between {low} and {high}' if high is not None else f'>= {low}'}"
    words += f" or None ({none})" if none else ""
    if not _is_int(value):
        _fail(TypeError, name, words, value)
    if value < low or (high is not None and value > high):
        _fail(ValueError, name, words, value)
    return int(value)


def _check_number(value: Any, name: str, words: str, ok: Any) -> float:
    """A finite real number for which ``ok`` holds; ``words`` says which, e.g. "in [0, 1)"."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _fail(TypeError, name, f"a number {words}", value)
    if not (ok(value) and value - value == 0):  # value - value: NaN for NaN and inf
        _fail(ValueError, name, f"a number {words}", value)
    return float(value)


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        _fail(TypeError, name, "True or False", value)
    return value


def _check_choice(value: Any, name: str, choices: tuple, hint: str = "") -> Any:
    """One of ``choices`` (strings, and None when listed); TypeError for another type."""
    if value is not None or None not in choices:
        words = "one of " + ", ".join(map(repr, choices))
        if not isinstance(value, str):
            _fail(TypeError, name, words, value, hint)
        if value not in choices:
            _fail(ValueError, name, words, value, hint)
    return value


def _check_ints(value: Any, name: str, *, empty: bool = False, example: str = "(32, 64)") -> list:
    """A tuple (or list) of positive ints, e.g. the filters of each block."""
    words = f"a tuple of positive ints{' (may be empty)' if empty else ''}, e.g. {example}"
    if not isinstance(value, tuple | list):
        _fail(TypeError, name, words, value)
    if not all(_is_int(v) and v > 0 for v in value) or not (value or empty):
        _fail(ValueError, name, words, value)
    return [int(v) for v in value]


def _check_shape(value: Any, example: str, *, free_sides: bool = False) -> tuple:
    """``input_shape``: (height, width, channels) positive ints (sides None if ``free_sides``)."""
    words = f"a tuple of 3 positive ints (height, width, channels), e.g. {example}"
    words += "; height and width may be None" if free_sides else ""
    if not isinstance(value, tuple | list):
        _fail(TypeError, "input_shape", words, value)
    sides_ok = all((_is_int(d) and d > 0) or (d is None and free_sides) for d in value[:2])
    if len(value) != 3 or not sides_ok or not (_is_int(value[2]) and value[2] > 0):
        _fail(ValueError, "input_shape", words, value)
    return tuple(None if d is None else int(d) for d in value)


def _check_activation(value: Any, name: str, *, none: bool = True) -> Any:
    """A Keras activation name, a callable, or None (logits) when ``none``."""
    words = "a Keras activation name such as 'relu', a callable" + " or None" * none
    if not ((value is None and none) or callable(value)):
        if not isinstance(value, str):
            _fail(TypeError, name, words, value)
        try:
            keras.activations.get(value)
        except (ValueError, TypeError):
            _fail(ValueError, name, words, value)
    return value


def _check_name(name: Any) -> None:
    if name is not None and (not isinstance(name, str) or not name):
        _fail(ValueError if name == "" else TypeError, "name", "a non-empty str or None", name)


def _check_head(num_classes: Any, classifier_activation: Any, pooling: Any, name: Any, *,
                pooled: bool = False) -> int | None:  # fmt: skip
    """The arguments every builder has; ``pooled``: the classifier may follow ``pooling``."""
    num_classes = _check_int(num_classes, "num_classes", 2, none="the convolutional base alone")
    _check_activation(classifier_activation, "classifier_activation")
    _check_choice(pooling, "pooling", (None, "avg", "max"))
    _check_name(name)
    if num_classes is not None and pooling is not None and not pooled:
        _fail(ValueError, "pooling", "None with a classifier (it ends the base that "
              "num_classes=None builds)", pooling)  # fmt: skip
    return num_classes


def _global_pool(x: Any, pooling: str | None) -> Any:
    """The feature maps ``x`` (None), or their global average ("avg") or maximum ("max")."""
    if pooling is None:
        return x
    layer = {"avg": keras.layers.GlobalAveragePooling2D, "max": keras.layers.GlobalMaxPooling2D}
    return layer[pooling](name=f"{pooling}_pool")(x)


def _renamed(new: Any, old: Any, new_name: str, old_name: str, default: Any) -> Any:
    """A renamed keyword's value: ``new``, or ``old`` (if given) with a PendingDeprecationWarning.

    Pending (silent by default) rather than DeprecationWarning, which a notebook shows as
    stderr: the stored notebooks 03 and 06 use the old names until they are re-run.
    """
    if old is None:
        return new
    if new != default:
        raise TypeError(f"Pass `{new_name}` only: `{old_name}` is its old name.")
    message = f"`{old_name}` is now `{new_name}`; the old name goes in the next release."
    warnings.warn(message, PendingDeprecationWarning, stacklevel=3)
    return old


class LocalResponseNormalization(keras.layers.Layer):
    """Local response normalisation across channels, a layer without parameters.

    Reference:
    - Krizhevsky, A., Sutskever, I., & Hinton, G. E. (2012). ImageNet classification
      with deep convolutional neural networks. NIPS 25, section 3.3.

    ``b[c] = a[c] / (k + alpha * sum(a[j] ** 2 for j within size // 2 of c)) ** beta``:
    each activation is divided by a power of the energy of its neighbouring channels at
    the same position (``tf.nn.local_response_normalization`` with
    ``depth_radius=size // 2``), written with ``keras.ops`` so it runs on any backend.
    ``alexnet.py`` and ``vgg.py`` carry identical copies, so that each file runs alone;
    the first one imported registers the class as ``cnnkit>LocalResponseNormalization``
    (``keras.models.load_model`` reads models that contain it) and the other reuses it.

    Args:
        size: number of channels in the window, odd (default 5, the paper's ``n``).
        alpha: scale of the sum of squares (default 1e-4).
        beta: exponent (default 0.75).
        k: constant added to the scaled sum (default 2).
        **kwargs: ``keras.layers.Layer`` arguments such as ``name``.

    Example:
        >>> import numpy as np
        >>> lrn = LocalResponseNormalization(size=3, alpha=1.0, beta=1.0, k=1.0)
        >>> np.round(keras.ops.convert_to_numpy(lrn(np.array([[[[1.0, 2.0, 2.0]]]]))), 4)
        array([[[[0.1667, 0.2   , 0.2222]]]], dtype=float32)
    """

    def __init__(
        self, size: int = 5, alpha: float = 1e-4, beta: float = 0.75, k: float = 2.0, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(size, numbers.Integral) or isinstance(size, bool):
            raise TypeError(f"`size` must be an odd int >= 1, got {type(size).__name__}: {size!r}.")
        if size < 1 or size % 2 == 0:
            raise ValueError(f"`size` must be an odd int >= 1, got {size!r}.")
        self.size, self.alpha, self.beta, self.k = int(size), float(alpha), float(beta), float(k)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        # The window sums are one matrix product with a 0/1 band matrix:
        # band[i, j] = 1 when channels i and j are at most size // 2 apart.
        channels, half = input_shape[-1], self.size // 2
        band = [[float(abs(i - j) <= half) for j in range(channels)] for i in range(channels)]
        self._band = keras.ops.convert_to_tensor(band, dtype=self.compute_dtype)

    def call(self, inputs: Any) -> Any:
        window = keras.ops.matmul(keras.ops.square(inputs), self._band)
        # (k + alpha * window) ** -beta as exp(-beta * log(...)): the same values, and a
        # gradient several times cheaper to compute than that of power.
        return inputs * keras.ops.exp(-self.beta * keras.ops.log(self.k + self.alpha * window))

    def get_config(self) -> dict[str, Any]:
        config = {"size": self.size, "alpha": self.alpha, "beta": self.beta, "k": self.k}
        return {**super().get_config(), **config}


LocalResponseNormalization = keras.saving.get_registered_object(
    "cnnkit>LocalResponseNormalization"
) or keras.saving.register_keras_serializable("cnnkit")(LocalResponseNormalization)

# <<< shared

_MARKERS = re.compile(r"^# >>> shared.*?^# <<< shared\n", re.M | re.S)
_HEADER = ("# >>> shared (copied from cnnkit/models/_shared.py by python -m cnnkit.models._shared;"
           " edit there)\n\n\n")  # fmt: skip


def _units() -> dict[str, str]:
    """The shared functions and classes of this module, by name, in order, as text."""
    text = _MARKERS.search(Path(__file__).read_text(encoding="utf-8")).group(0)
    chunks = re.split(r"^(?=def |class )", text.split("\n", 1)[1].rsplit("# <<<", 1)[0], flags=re.M)
    return {re.match(r"\w+ (\w+)", c).group(1): c.rstrip() + "\n" for c in chunks if c.strip()}


def render(text: str) -> str:
    r"""A builder file's text with its shared section rewritten: the units it uses.

    Example:
        >>> text = "import keras\n\n# >>> shared\n# <<< shared\n\nok = _is_int(3)\n"
        >>> [line for line in render(text).splitlines() if line.startswith("def ")]
        ['def _is_int(value: Any) -> bool:  # ints and NumPy integers, not bool']
    """
    units = _units()
    own = _MARKERS.sub("", text)
    needed = {n for n in units if re.search(rf"\b{n}\b", own)}
    while True:
        more = {n for n in units for u in needed if re.search(rf"\b{n}\b", units[u])} - needed
        if not more:
            break
        needed |= more
    section = _HEADER + "\n\n".join(units[n] for n in units if n in needed) + "\n# <<< shared\n"
    if not _MARKERS.search(text):
        raise ValueError("no '# >>> shared' ... '# <<< shared' lines in the file")
    return _MARKERS.sub(lambda _: section, text)


def builder_files(folder: Path | None = None) -> list[Path]:
    """The files that carry shared code: every module of ``folder`` but this one and __init__."""
    folder = folder or Path(__file__).parent
    return [p for p in sorted(folder.glob("*.py")) if not p.name.startswith("_")]


def sync(folder: Path | None = None) -> list[str]:
    """Rewrite the shared sections of the builder files; returns the names of those changed."""
    changed = []
    for path in builder_files(folder):
        text = path.read_text(encoding="utf-8")
        if render(text) != text:
            path.write_text(render(text), encoding="utf-8")
            changed.append(path.name)
    return changed


if __name__ == "__main__":
    print("updated:", ", ".join(sync()) or "nothing")
