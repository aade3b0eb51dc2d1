"""Visualizers of the course: image grids, matrices, curves, confusion matrices, filters,
feature maps and Grad-CAM. Every function returns the matplotlib Figure it drew."""

from cnnkit.viz.images import show_images

__all__ = ["show_images"]
