"""Operations scripts: the cluster test and the load test (run by make, not imported by the apps)."""
