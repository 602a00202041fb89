"""Detectors, one per category; each is a plain object with one method."""
