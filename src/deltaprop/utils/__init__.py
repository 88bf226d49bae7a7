"""Foundations every tier uses: backend, checks, names, configs, atomic writes, tables."""
