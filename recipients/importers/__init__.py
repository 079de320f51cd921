"""Importers of the official Jakarta data sets (see ../shared/data/PROVENANCE.md)."""
