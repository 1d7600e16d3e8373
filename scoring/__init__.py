"""Duty points: rule sets, duty records, review, quarterly rankings and warnings."""
