"""The public side: the showcase of registered innovations, published Innovation Week results, open data
and the sitemap, readable without logging in; and what decides what is public (the admin's field
settings, the evidence the OPD offered and an admin approved)."""
