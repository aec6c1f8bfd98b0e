"""The leaders' view (role ``pimpinan``: Bupati, Wakil, Sekda): one phone-first, read-only page of the OPDs by
colour, the district's estimated IID over the years, and this year's Innovation Week."""
