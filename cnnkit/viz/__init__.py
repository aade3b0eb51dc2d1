"""Visualizers of the course: image grids, matrices, curves, confusion matrices, filters,
feature maps and Grad-CAM. Every function returns the matplotlib Figure it drew."""

from cnnkit.viz.images import show_images
from cnnkit.viz.matrices import compare_images, show_kernel, show_maps, show_matrices, show_matrix

__all__ = ["show_images"]
__all__ += ["show_matrix", "show_kernel", "show_matrices", "show_maps", "compare_images"]
