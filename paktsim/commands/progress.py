"""Progress of a command's steps on the terminal (helper of the CLI commands).

:class:`Steps` shows the running step — its number, name and elapsed time — on
**stderr**, and only when stderr is a terminal and the user did not ask for
``--quiet``.  Piped or captured output (CI logs, tests, ``2> file``) stays as
before: error lines only.  The display is transient: it is cleared when the
steps end, also when a step raises, so an error line that follows stands alone.

``rich`` draws it (installed with the notebook stack); it is imported only when
the display is shown, so a run in a pipe does not pay for the import.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["Steps"]


class Steps:
    """Step-by-step progress display (a context manager).

    Parameters
    ----------
    quiet : bool
        Show nothing.
    stream : file object, optional
        Where to draw (default: ``sys.stderr``).
    force : bool
        Draw even if ``stream`` is not a terminal (tests).

    Examples
    --------
    >>> with Steps(quiet=True) as steps:
    ...     with steps.step("Rechnen"):
    ...         pass
    >>> steps.timings[0][0]
    'Rechnen'
    """

    def __init__(
        self, quiet: bool = False, stream: IO[str] | None = None, force: bool = False
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = not quiet and (force or bool(isatty and isatty()))
        self.force = force
        self.timings: list[tuple[str, float]] = []
        self._progress: Any = None

    def __enter__(self) -> Steps:
        if self.enabled:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            console = Console(file=self.stream, force_terminal=self.force or None)
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
                refresh_per_second=5,
            )
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    @contextlib.contextmanager
    def step(self, description: str) -> Iterator[None]:
        """Show ``description`` while the block runs and record its wall time."""
        task = None
        if self._progress is not None:
            task = self._progress.add_task(f"{description} …", total=None)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings.append((description, time.perf_counter() - start))
            if task is not None:
                self._progress.remove_task(task)
