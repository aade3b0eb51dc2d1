"""Visualizers of the course: image grids, matrices, curves, confusion matrices, filters,
feature maps and Grad-CAM. Every function returns the matplotlib Figure it drew.

The words and numbers they draw follow ``cnnkit.language()``: English by default, Spanish
(with a decimal comma) after ``cnnkit.setup(seed=0, language="es")``. Every word comes
from one table, ``cnnkit.viz._text.TEXTS``."""

from cnnkit.viz.experiments import plot_accuracy_vs_examples, plot_stages
from cnnkit.viz.gradcam import grad_cam_heatmap
from cnnkit.viz.images import show_images
from cnnkit.viz.maps import compare_images, show_maps
from cnnkit.viz.matrices import show_kernel, show_matrices, show_matrix
from cnnkit.viz.network import grad_cam, show_feature_maps, show_filters
from cnnkit.viz.training import plot_confusion_matrix, plot_history, show_misclassified

__all__ = ["show_images", "plot_history", "plot_confusion_matrix", "show_misclassified"]
__all__ += ["show_matrix", "show_kernel", "show_matrices", "show_maps", "compare_images"]
__all__ += ["show_filters", "show_feature_maps", "grad_cam", "grad_cam_heatmap"]
__all__ += ["plot_stages", "plot_accuracy_vs_examples"]
