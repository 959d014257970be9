"""Test settings shared by the whole suite."""

from __future__ import annotations

import os

from hypothesis import settings

# CI must give the same verdict on every run of the same commit: there the
# property tests replay a fixed sequence of examples. Locally they explore.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
