"""Public pages of recipients: the map (home), the list and a page per recipient.

Modules are imported by recipients/urls.py, not here, so recipients.api can use the filters
without an import cycle.
"""
