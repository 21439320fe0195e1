"""Sub-commands of the ``paktsim`` CLI.

Each module defines ``register(subparsers)`` which adds its parser and sets
``func=run`` where ``run(args) -> int`` returns the exit code.  The list
:data:`COMMANDS` fixes the order in ``paktsim --help``.
"""

COMMANDS: tuple[str, ...] = (
    "run",
    "allocate",
    "compare",
    "validate",
    "data",
    "params",
    "evidence",
    "map",
    "report",
    "verify",
    "sweep",
    "app",
)
