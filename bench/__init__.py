"""The benchmark: synthetic vaults (``vaultgen``) and the measurements (``run``)."""
