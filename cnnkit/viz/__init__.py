"""Visualizers of the course: image grids, matrices, curves, confusion matrices, filters,
feature maps and Grad-CAM. Every function returns the matplotlib Figure it drew."""

from cnnkit.viz.images import show_images
from cnnkit.viz.training import plot_confusion_matrix, plot_history, show_misclassified

__all__ = ["show_images", "plot_history", "plot_confusion_matrix", "show_misclassified"]
