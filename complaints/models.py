"""Complaints routed to kelurahan and dinas offices (CRM): built in the complaints issue."""
