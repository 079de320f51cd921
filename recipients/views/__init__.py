"""Public pages of recipients (the map, the list, a page per recipient) and the open-data API."""
