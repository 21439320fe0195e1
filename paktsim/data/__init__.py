"""Bundled region data built by ``tools/build_data.py`` (do not edit by hand).

Read through :mod:`paktsim.regions`; provenance is in ``metadata.yaml``.
"""
