"""Quarterly snapshots: a portfolio's figures for a quarter, frozen on publish,
compared with the previous published snapshot, and rendered as a PDF."""
