"""People's choice (issue 14): visitors at the venue vote for one entry from a QR link, one vote per device,
limited per address; the tally is shown apart from the jury's results and never mixed into them."""
