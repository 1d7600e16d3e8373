"""The roster: deputies, their terms, levels and status changes (built in the roster issue)."""
