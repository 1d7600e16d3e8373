"""Deputy groups, liaison stations, reception days, voter messages and group projects."""
