"""Allow ``python -m paktsim`` as an alias of the ``paktsim`` command."""

import sys

from paktsim.cli import main

sys.exit(main())
