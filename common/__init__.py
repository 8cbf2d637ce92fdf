"""What every layer of rota shares and nothing else: its two errors and atomic file writing.
It imports no other package of rota, so `forecasts`, `constraints` and `planner` may all use it."""
