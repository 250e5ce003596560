"""Indicator definitions and their derived values (built by the indicator engine)."""
