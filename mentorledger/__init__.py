"""mentorledger: mentoring effort in academic medicine, logged from calendars and made creditable.

This package is the domain core. It never imports Prefect: flows/ and tasks/ orchestrate it.
"""

__version__ = "0.1.0"
