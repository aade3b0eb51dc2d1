"""``python -m cnnkit ...`` runs the ``cnnkit`` command (see ``cnnkit.cli``)."""

import sys

from cnnkit.cli import main

sys.exit(main())
