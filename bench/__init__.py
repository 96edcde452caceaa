"""Benchmarks: the real bot as a separate process in HTTP mode, against the ServiceWatch sandbox and a fake
Slack with latency and rate limits as knobs. `python -m bench --help`."""
