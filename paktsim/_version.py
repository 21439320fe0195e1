"""Package version (single source of truth, read by setuptools)."""

# PEP 440: ".dev0" while CHANGELOG.md collects changes under [Unreleased]; a release
# drops the suffix, renames that section to the version and date and tags vX.Y.Z.
__version__ = "0.2.0.dev0"
