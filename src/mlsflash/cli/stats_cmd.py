"""`mlsflash stats` (filled in by the stats issue)."""
