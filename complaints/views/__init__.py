"""Pages of complaints, one module per audience: the public and the reporter's private link,
the officers (`officer`), and the public statistics (`stats`)."""
