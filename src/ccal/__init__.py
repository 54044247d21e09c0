"""ccal: calls, cut-offs and events from one TOML file, answered in the terminal."""

__version__ = "0.2.0"
