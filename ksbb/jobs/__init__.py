"""Background work: the mail outbox and the periodic jobs, run by django-q2's workers.

Why django-q2 (ORM broker): its queue is a table in the portal's own database, so the zero-set-up
SQLite default needs nothing more than `manage.py qcluster` beside the server, and PostgreSQL
deployments need no broker of their own; a task enqueued inside a transaction disappears with
it. Its scheduler locks each due schedule (`select_for_update`) while it creates the task, and a
worker claims a queued task by a compare-and-set on its lock time, so two workers on two
machines neither create nor run the same task twice. Its admin lists what ran and what failed.
procrastinate would need PostgreSQL everywhere; huey and RQ would need Redis for a zero-set-up
run (huey's periodic tasks also run once per consumer).
"""
