"""Test settings shared by the whole suite."""

from __future__ import annotations

import os

from hypothesis import settings

# CI must give the same verdict on every run of the same commit: there the
# property tests replay a fixed sequence of examples. Locally they explore. No example
# has a deadline: on a shared, loaded machine a slow example is no failure (time is
# measured by the benchmarks, never by the tests).
settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.register_profile("local", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "local")
