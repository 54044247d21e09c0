"""The user's own pipeline: a status and notes per entry (``state``), and reminders that fire
once (``notify``, its ``channels``). Kept apart from the data files: it works for read-only data
(shipped, imported, synced) and survives re-imports."""
