"""Libraries' command-line interfaces, kept out of OneGate's processes until something uses them.

Two libraries import their command-line tools whenever they are imported: ``cel`` its
interactive shell (``cel.cli``: prompt_toolkit, typer, rich, pygments) and ``httpx`` its
``httpx`` command (``httpx._main``: click, rich, pygments). Every OneGate process (each web
worker, the task worker, the scheduler, every management command) paid for them at start-up,
about half a second of CPU each, for tools it never runs. ``keep_out()`` puts a stand-in for each
in ``sys.modules`` before the library is imported; the stand-in imports the real module the
moment one of its names is used (or called, for ``httpx.main``), so nothing that uses a tool
breaks. The console scripts (``cel``, ``httpx``) run in processes of their own and are not
affected.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

# The command-line module, the library that imports it, and the names the library takes from it
# as it is imported (each becomes a function that imports the real module when called).
COMMAND_LINES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("cel.cli", "cel", ()),
    ("httpx._main", "httpx", ("main",)),
)


class CommandLineOnDemand(types.ModuleType):
    """Stands in for a command-line module until one of its names is used."""

    def __init__(self, name: str, imported_names: tuple[str, ...]) -> None:
        super().__init__(name)
        for imported in imported_names:
            setattr(self, imported, self._on_call(imported))

    def real(self) -> types.ModuleType:
        if sys.modules.get(self.__name__) is self:
            sys.modules.pop(self.__name__, None)  # another thread may have got here first
        return importlib.import_module(self.__name__)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's questions are not a use
            raise AttributeError(name)
        return getattr(self.real(), name)

    def _on_call(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(self.real(), name)(*args, **kwargs)

        call.__name__ = name
        return call


def keep_out() -> None:
    """Stand in for each command-line module whose library has not been imported yet."""
    for module, library, imported_names in COMMAND_LINES:
        if library not in sys.modules and module not in sys.modules:
            sys.modules[module] = CommandLineOnDemand(module, imported_names)
