"""``ccal publish``: a static site of the deadlines (page, calendar feeds, JSON) for a team.

``site`` decides what the site holds (pure: data and ``now`` in, bytes out), ``page`` renders the
HTML, ``feeds`` the calendars, ``atom`` the change feed, and ``output`` swaps the site in whole.
Jinja2 is imported only here, never by the reading commands.
"""
