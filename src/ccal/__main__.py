"""Entry point for ``ccal`` and ``python -m ccal``: kept tiny so start-up stays cheap."""

from __future__ import annotations

import sys


def main() -> None:
    # Hot read-only invocations are answered from the index before Typer is even imported, and
    # a sync of sources that are all unchanged with the standard library.
    if sys.argv[1:2] == ["sync"]:
        from ccal.fastsync import answer
    else:
        from ccal.index.fastpath import answer

    code = answer(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from ccal.cli import run

    run()


if __name__ == "__main__":
    main()
