"""Tests of the pipeline: mark, note, notify, remove, edit."""
