"""Entry point for ``ccal`` and ``python -m ccal``: kept tiny so start-up stays cheap."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs the hot call ~7 ms
if TYPE_CHECKING:
    from typing import NoReturn


def main() -> None:
    # Hot read-only invocations are answered from the index before Typer is even imported, and
    # a sync of sources that are all unchanged with the standard library.
    if sys.argv[1:2] == ["sync"]:
        from ccal.fastsync import answer

        code = answer(sys.argv[1:])
        if code is not None:
            sys.exit(code)
    else:
        import gc

        # A hot call lives for milliseconds and makes few reference cycles, yet the collector
        # ran during its imports: a seventh of its instructions. Back on for the Typer app.
        gc.disable()
        from ccal.index.fastpath import answer

        code = answer(sys.argv[1:])
        if code is not None:
            leave(code)
        from ccal.index import handing_over

        handing_over()  # what the fast path read from the files leaves the collector
        gc.enable()
    from ccal.cli import run

    run()


def leave(code: int) -> NoReturn:
    """Exit at once with ``code``, the answer written and flushed.

    A read-only hot call has nothing for the interpreter's teardown to do — no file open for
    writing, no ``atexit`` handler, an index opened read-only — but free every module one by one,
    another seventh of its instructions; ``os._exit`` skips that. A closed pipe was already dealt
    with where the answer was written (``ccal.streams``); a flush that still fails has nothing
    left to say.
    """
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # None: started with that descriptor closed (``2>&-``)
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
