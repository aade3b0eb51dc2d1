"""Pre-train the offline backbone that cnnkit ships: ``cnnkit_fashion5``.

Source task: the Fashion-MNIST **training** images of five classes, T-shirt/top (0),
Trouser (1), Dress (3), Sandal (5) and Bag (8): 30,000 images, relabelled 0-4. The target
task of notebook 05 is the other five classes, Pullover (2), Coat (4), Shirt (6),
Sneaker (7) and Ankle boot (9): the backbone never sees an image of them. Every target
class has a relative in the source (tops, footwear), so the two tasks are "similar" in
the sense of deck 002. The source accuracy is measured on the test images of the five
source classes.

The architecture is ``cnnkit.transfer.small_backbone`` with the filters of
``CNNKIT_BACKBONES["cnnkit_fashion5"]``, trained with a Dense head through
``cnnkit.transfer.transfer_model`` (so the preprocessing is the one ``backbone()`` gives).
Only the backbone's weights are saved (the head is discarded).

Usage, from the repository root (about 5 minutes on a 2-core laptop)::

    python scripts/train_backbone.py                  # writes cnnkit/weights/...
    python scripts/train_backbone.py --epochs 2 --output /tmp/bb.weights.h5   # a quick try
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

NAME = "cnnkit_fashion5"


def _source_classes() -> tuple[int, ...]:
    from cnnkit import transfer

    return transfer.CNNKIT_BACKBONES[NAME].source_classes


SOURCE_CLASSES = _source_classes()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=6, help="training epochs (default 6)")
    parser.add_argument("--batch-size", type=int, default=64, help="batch size (default 64)")
    parser.add_argument(
        "--learning-rate", type=float, default=2e-3, help="initial Adam rate (cosine decay)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--no-augment",
        dest="augment",
        action="store_false",
        help="train without augmentation (default: random horizontal flips and shifts)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO / "cnnkit" / "weights" / f"{NAME}.weights.h5",
        help="where to write the backbone's weights",
    )
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.batch_size < 1 or args.learning_rate <= 0:
        parser.error("--epochs, --batch-size and --learning-rate must be positive")
    return args


def source_split(x, y):
    """The images of the source classes and their labels renumbered 0-4."""
    import numpy as np

    keep = np.isin(y, SOURCE_CLASSES)
    return x[keep], np.searchsorted(SOURCE_CLASSES, y[keep]).astype("uint8")


def check_statistics(x_source) -> tuple[float, float]:
    """Compare the source pixel statistics with the constants ``backbone()`` uses."""
    import numpy as np

    from cnnkit import transfer

    pixels = x_source.astype("float64") / 255.0
    mean, std = float(np.mean(pixels)), float(np.std(pixels))
    spec = transfer.CNNKIT_BACKBONES[NAME]
    if abs(mean - spec.mean) > 5e-4 or abs(std - spec.std) > 5e-4:
        raise SystemExit(
            f"The source statistics (mean {mean:.4f}, std {std:.4f}) differ from "
            f"CNNKIT_BACKBONES[{NAME!r}] (mean {spec.mean}, std {spec.std}) in "
            "cnnkit/transfer/catalogue.py: update those constants, then run this script again."
        )
    return mean, std


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    import keras
    import numpy as np
    import tensorflow as tf

    import cnnkit
    from cnnkit import data, training, transfer

    cnnkit.setup(seed=args.seed, verbose=False)  # seeds Python, NumPy and Keras; quiet logs
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist(sample=False)
    x_src, y_src = source_split(x_train, y_train)
    x_src_test, y_src_test = source_split(x_test, y_test)
    mean, std = check_statistics(x_src)
    print(
        f"Source: {len(x_src)} training images of classes {SOURCE_CLASSES} "
        f"(pixel mean {mean:.4f}, std {std:.4f}); {len(x_src_test)} test images"
    )

    bb = transfer.backbone(NAME, weights=None)
    model = transfer.transfer_model(bb, num_classes=len(SOURCE_CLASSES), dropout=0.2)
    augment = None
    if args.augment:
        augment = keras.Sequential(
            [
                keras.layers.RandomFlip("horizontal", seed=args.seed),
                keras.layers.RandomTranslation(0.1, 0.1, seed=args.seed),
            ],
            name="augment",
        )
    train = data.make_dataset(
        x_src, y_src, batch_size=args.batch_size, shuffle=True, augment=augment, seed=args.seed
    )
    test = data.make_dataset(x_src_test, y_src_test, batch_size=256, shuffle=False)
    steps = args.epochs * int(np.ceil(len(x_src) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(args.learning_rate, decay_steps=steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = training.fit(model, train, epochs=args.epochs, validation_data=test, verbose=2)
    _, accuracy = model.evaluate(test, verbose=0)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    bb.model.save_weights(args.output)
    size_kb = args.output.stat().st_size / 1024
    print(f"Backbone {NAME}: {bb.model.count_params():,} parameters")
    print(f"Source test accuracy (classes {SOURCE_CLASSES}): {accuracy:.4f}")
    print(f"Training time: {history.wall_time:.0f} s for {history.epochs_run} epochs")
    print(f"Saved {args.output} ({size_kb:.0f} KiB)")
    print(
        f"Date {datetime.date.today().isoformat()} | Python {platform.python_version()} | "
        f"Keras {keras.__version__} | TensorFlow {tf.__version__} | seed {args.seed} | "
        f"epochs {args.epochs} | batch {args.batch_size} | lr {args.learning_rate} | "
        f"augment {args.augment}"
    )


if __name__ == "__main__":
    main()
