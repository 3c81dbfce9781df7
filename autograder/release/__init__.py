"""Student material generated from the reference: templates, notebooks (with nbgrader metadata),
the release folder, and the zip students download (the bundle, with its checker)."""
