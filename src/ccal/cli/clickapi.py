"""The names of click that ccal needs, from the one place Typer keeps them.

Typer vendors click as ``typer._click`` (from 0.26) and re-exports neither its exceptions nor
its context stack publicly, so this shim is the only module that imports from it. The upper
bound on typer in ``pyproject.toml`` exists because of this private import (and of the root
help's ``typer.main`` hook in ``ccal.cli``): a newer minor release may move them.
"""

from typer._click.core import Context
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer._click.globals import get_current_context

__all__ = [
    "ClickException",
    "Context",
    "NoArgsIsHelpError",
    "UsageError",
    "get_current_context",
]
