"""The benchmark suite behind bench/run.py: seeding, servers, load, offline timings, report."""
