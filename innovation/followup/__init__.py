"""The follow-up clock: every item that waits on an OPD, with its age and a colour (green while fresh, yellow
after ``FOLLOWUP_YELLOW_DAYS``, red after ``FOLLOWUP_RED_DAYS``), and each OPD's page of them."""
