"""Prefect tasks: units of I/O with retries, caching and rate limits, thin over the mentorledger core."""
