"""The classic image-processing kernels of the slides, as fresh float64 NumPy arrays.

Each function returns a new array (edit it freely), ready for :func:`cnnkit.ops.conv2d` or
for the weights of a ``keras.layers.Conv2D`` (``kernel[:, :, None, None]``). Every docstring
names the deck (``shared/seeds``) the kernel comes from.

Example:
    >>> from cnnkit import kernels, ops
    >>> ops.conv2d([[0, 0, 9, 9]] * 3, kernels.sobel_x())  # bright on the right: positive
    array([[36., 36.]])
"""

from __future__ import annotations

import numpy as np

from cnnkit._validate import check_bool, check_int, check_number

__all__ = [
    "box_blur",
    "gaussian_3x3",
    "gaussian",
    "sharpen",
    "sobel_x",
    "sobel_y",
    "laplacian",
    "cross_mean",
    "line_detectors",
    "classic",
]


def _int_size(size: object, name: str = "size") -> int:
    return check_int(size, name, minimum=1)


def box_blur(size: int = 3, *, normalize: bool = True) -> np.ndarray:
    """Box blur (mean filter): every neighbour weighs the same.

    Deck 000, "Desenfoque tipo caja" (the 3x3 matrix of ones); deck 002, "Filtro de media"
    3x3 (1/9) and 5x5 (1/25) on the 10x10 image F:
    ``G[i, j] = 1 / (2k + 1)^2 * sum_{u,v=-k..k} F[i + u, j + v]``.

    Args:
        size: side of the square kernel. Default 3.
        normalize: divide by ``size**2`` so the weights add up to 1 and the brightness is
            kept (default). ``False`` gives the matrix of ones that deck 000 prints.

    Returns:
        A ``(size, size)`` array.

    Raises:
        TypeError: ``size`` is not an int or ``normalize`` not a bool.
        ValueError: ``size`` is smaller than 1.

    Example:
        >>> box_blur(3) * 9
        array([[1., 1., 1.],
               [1., 1., 1.],
               [1., 1., 1.]])
        >>> float(box_blur(5).sum())
        1.0
    """
    size = _int_size(size)
    kernel = np.ones((size, size))
    return kernel / size**2 if check_bool(normalize, "normalize") else kernel


def gaussian_3x3(*, normalize: bool = True) -> np.ndarray:
    """The 3x3 gaussian blur of deck 000: ``[[1, 2, 1], [2, 4, 2], [1, 2, 1]] / 16``.

    Deck 000, "Ejemplo de desenfoque gaussiano". It is the outer product of the binomial
    row ``[1, 2, 1]`` with itself: the centre weighs most and the weight falls with distance.

    Args:
        normalize: divide by 16 so the weights add up to 1 (default); ``False`` gives the
            integers the slide prints.

    Returns:
        A ``(3, 3)`` array.

    Raises:
        TypeError: ``normalize`` is not a bool.

    Example:
        >>> gaussian_3x3(normalize=False)
        array([[1., 2., 1.],
               [2., 4., 2.],
               [1., 2., 1.]])
        >>> float(gaussian_3x3()[1, 1])
        0.25
    """
    row = np.array([1.0, 2.0, 1.0])
    kernel = np.outer(row, row)
    return kernel / 16 if check_bool(normalize, "normalize") else kernel


def gaussian(size: int = 5, sigma: float | None = None) -> np.ndarray:
    """A sampled, normalised gaussian of any odd size (a stronger blur than `gaussian_3x3`).

    Generalises deck 000's 3x3 gaussian: ``exp(-(u^2 + v^2) / (2 sigma^2))`` on the grid
    ``u, v = -k..k`` (size ``2k + 1``), divided by its sum.

    Args:
        size: odd side of the kernel. Default 5.
        sigma: standard deviation in pixels. Default ``size / 6`` (the kernel spans
            +-3 sigma).

    Returns:
        A ``(size, size)`` array of non-negative weights that add up to 1.

    Raises:
        TypeError: ``size`` is not an int or ``sigma`` not a number.
        ValueError: ``size`` is not odd and positive, or ``sigma`` is not positive.

    Example:
        >>> k = gaussian(3, sigma=1.0)
        >>> k.shape, bool(np.isclose(k.sum(), 1.0)), bool(k[1, 1] > k[0, 1] > k[0, 0])
        ((3, 3), True, True)
    """
    size = _int_size(size)
    if size % 2 == 0:
        raise ValueError(f"`size` must be odd so the kernel has a centre, got {size}.")
    if sigma is None:
        sigma = size / 6
    if check_number(sigma, "sigma", minimum=0) == 0:
        raise ValueError(f"`sigma` must be a number > 0, got {sigma!r}. Or None for size / 6.")
    offsets = np.arange(size) - size // 2
    row = np.exp(-(offsets**2) / (2.0 * float(sigma) ** 2))
    kernel = np.outer(row, row)
    return kernel / kernel.sum()


def sharpen() -> np.ndarray:
    """Sharpen: ``[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]``.

    Deck 000, "Ejemplo de ... realce de bordes". The weights add up to 1 (flat regions
    keep their value); around an edge the centre is pushed away from its neighbours. It
    equals the identity minus the :func:`laplacian`.

    Returns:
        A ``(3, 3)`` array.

    Example:
        >>> sharpen()
        array([[ 0., -1.,  0.],
               [-1.,  5., -1.],
               [ 0., -1.,  0.]])
    """
    return np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]])


def sobel_x() -> np.ndarray:
    """Sobel horizontal-gradient kernel: responds to vertical edges.

    Not printed in the decks (COURSE.md's "edge detectors"): the standard Sobel operator.
    With correlation (``conv2d`` default, Keras) the response is positive where the image
    gets brighter from left to right.

    Returns:
        A ``(3, 3)`` array.

    Example:
        >>> sobel_x()
        array([[-1.,  0.,  1.],
               [-2.,  0.,  2.],
               [-1.,  0.,  1.]])
    """
    return np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def sobel_y() -> np.ndarray:
    """Sobel vertical-gradient kernel: responds to horizontal edges (``sobel_x().T``).

    Not printed in the decks (COURSE.md's "edge detectors"). Positive where the image gets
    brighter from top to bottom.

    Returns:
        A ``(3, 3)`` array.

    Example:
        >>> sobel_y()
        array([[-1., -2., -1.],
               [ 0.,  0.,  0.],
               [ 1.,  2.,  1.]])
    """
    return sobel_x().T.copy()


def laplacian() -> np.ndarray:
    """Laplacian (4-neighbour): second derivative, responds to edges in every direction.

    Not printed in the decks (COURSE.md's "edge detectors"). Its weights add up to 0, so
    flat regions give 0.

    Returns:
        A ``(3, 3)`` array.

    Example:
        >>> laplacian()
        array([[ 0.,  1.,  0.],
               [ 1., -4.,  1.],
               [ 0.,  1.,  0.]])
    """
    return np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])


def cross_mean() -> np.ndarray:
    """Deck 001's kernel ``h = [[0, 1, 0], [1, 1, 1], [0, 1, 0]] / 5``.

    The mean of a pixel and its four direct neighbours, used in the worked 7x7 example of
    "Convolución de imágenes". It is symmetric, so convolution and correlation agree.

    Returns:
        A ``(3, 3)`` array.

    Example:
        >>> cross_mean() * 5
        array([[0., 1., 0.],
               [1., 1., 1.],
               [0., 1., 0.]])
    """
    return np.array([[0.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]]) / 5


def line_detectors() -> dict[str, np.ndarray]:
    """The 3x3 line detectors of deck 002 ("Capa convolucional", 8x8 cross image).

    +1 along the line, -1 elsewhere. Deck 002 prints ``"horizontal"``, ``"vertical"`` and
    ``"diagonal"`` (three of its 12 filters); ``"antidiagonal"`` is the mirror of the last
    one, added for completeness.

    Returns:
        ``{"horizontal", "vertical", "diagonal", "antidiagonal"}`` -> ``(3, 3)`` arrays.

    Example:
        >>> line_detectors()["horizontal"]
        array([[-1., -1., -1.],
               [ 1.,  1.,  1.],
               [-1., -1., -1.]])
    """
    diagonal = 2 * np.eye(3) - 1
    return {
        "horizontal": 2 * np.outer([0.0, 1.0, 0.0], np.ones(3)) - 1,
        "vertical": 2 * np.outer(np.ones(3), [0.0, 1.0, 0.0]) - 1,
        "diagonal": diagonal,
        "antidiagonal": diagonal[:, ::-1].copy(),
    }


def classic() -> dict[str, np.ndarray]:
    """The six classic kernels of lesson 01, by name, in the order the notebook shows them.

    Returns:
        ``box_blur`` (3x3 mean), ``gaussian`` (:func:`gaussian_3x3`), ``sharpen``,
        ``sobel_x``, ``sobel_y`` and ``laplacian``; every one ``(3, 3)``.

    Example:
        >>> list(classic())
        ['box_blur', 'gaussian', 'sharpen', 'sobel_x', 'sobel_y', 'laplacian']
    """
    return {
        "box_blur": box_blur(3),
        "gaussian": gaussian_3x3(),
        "sharpen": sharpen(),
        "sobel_x": sobel_x(),
        "sobel_y": sobel_y(),
        "laplacian": laplacian(),
    }
