"""Documents an official signs (issue 14): certificates with their numbers and QR code, the Berita Acara
Penilaian, the score recap, the draft decree (SK), and the per-event settings they print."""
