"""Entry point for ``ccal`` and ``python -m ccal``: kept tiny so start-up stays cheap."""

from __future__ import annotations


def main() -> None:
    from ccal.cli import run

    run()


if __name__ == "__main__":
    main()
