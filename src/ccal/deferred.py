"""A standard module that is imported when it is first used, not when another module imports it.

Why: Rich's console and table, and ``catalog.Entry``, are dataclasses; ``dataclasses`` imports
``inspect`` (and with it ``dis``, ``opcode``, ``tokenize``, ``token``, ``linecache``) for one
call, ``inspect.signature``, made only for a class without a docstring. That import is 16 M
instructions, 5 % of a warm 20-row table (docs/performance.md, "seventh round"), spent on code
no table runs. ``importlib.util.LazyLoader`` cannot defer it on Python 3.11: an ``import
inspect`` statement reads the module's ``__spec__`` to see whether it is still initializing,
and any attribute read makes a lazy module load. The stand-in here keeps ``__spec__`` (None) in
its own namespace, so importing it reads nothing that loads; the first other attribute read
(module ``__getattr__``, PEP 562) imports the real module, puts it in ``sys.modules`` and copies
its namespace into the stand-in, so a module that bound the stand-in sees the real functions
from then on, at the cost of a plain attribute read.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: the fast path calls this before typing
if TYPE_CHECKING:
    from typing import Any


def defer(name: str) -> None:
    """Make ``import name`` (a top-level standard module) bind a stand-in that imports the
    module on its first attribute read. Nothing to do when it is imported already."""
    if name in sys.modules:
        return
    stand_in = type(sys)(name, None)

    def load(attribute: str) -> Any:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        real = __import__(name)
        stand_in.__dict__.update(real.__dict__)  # the stand-in's ``__getattr__`` stays: the
        # real module has none, so an attribute it lacks still raises AttributeError below
        return getattr(real, attribute)

    vars(stand_in)["__getattr__"] = load  # PEP 562: read for a name it does not hold
    sys.modules[name] = stand_in
