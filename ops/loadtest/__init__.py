"""`make loadtest`: Locust against the two-node cluster (see run.py and locustfile.py)."""
