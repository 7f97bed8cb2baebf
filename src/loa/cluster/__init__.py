"""Loa beyond one machine: Celery workers for render and publish jobs (see docs/cluster.md)."""
