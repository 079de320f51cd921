"""Accounts at project level: login, logout, password change and reset, the invitation link,
and the lock-out after repeated failed logins — Django's auth views in the portal's look."""
