"""Benchmarks of deltaprop against reference implementations (not part of the package)."""
