"""``python -m simulator``: the command line's entry script (the CLI itself lives in ``cli/``)."""

import sys

from cli import main

sys.exit(main())
