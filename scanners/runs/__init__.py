"""Scan runs: start, execute and close a run; run it in the API process, on Procrastinate
workers, or on a cron schedule.
"""
