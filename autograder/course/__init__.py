"""The course: its configuration (assignments, deadlines, late policy) and its roster."""
