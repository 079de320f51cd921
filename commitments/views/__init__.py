"""Pages of commitments, one module per audience: `public` (anyone), `private` (the holder of a
pledge's private link), `pj` (the recipient's person in charge, and admins)."""
