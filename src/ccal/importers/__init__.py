"""Importers: one module per external source, each turning its format into a ccal TOML file."""
