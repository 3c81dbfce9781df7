"""The results document: Gradescope's ``results.json`` with our fields under ``extra_data``."""
