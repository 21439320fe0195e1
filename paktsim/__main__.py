"""Allow ``python -m paktsim`` as an alias of the ``paktsim`` command."""

from paktsim.cli import entry

entry()
