"""`mlsflash review` and `mlsflash config` (filled in by the review issue)."""
