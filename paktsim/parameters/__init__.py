"""Dated, sourced parameter files (``*.yaml``) and their schema.

Read them through :mod:`paktsim.params`; the list of paths is in ``README.md``.
"""
