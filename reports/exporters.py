"""The reports app's own export: the quarterly leadership workbook (registered on import)."""

from .quarterly import QuarterlyWorkbook

__all__ = ["QuarterlyWorkbook"]
