"""Student material generated from the reference: templates, notebooks, the release folder."""
