"""Benchmarks of entra-daemon-wizard: ratios measured side by side in one run (`make bench`)."""
