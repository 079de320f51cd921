"""Importers of the official 2020 COVID-19 counts per kelurahan into CaseReport: the ten
month-end files (Mar-Dec, month_end.py) and the daily series (26 Mar - 16 Jul, daily.py).

Decisions:
- One CaseReport per (kelurahan, day), and the official month-end files win. The month-end
  importer overwrites whatever is stored for its days; the daily importer skips every day a
  month-end file provides (a file in the data directory, or a stored report whose source is a
  month-end file), counted in one summary note. Both importers are idempotent, and running
  them in either order gives the same table.
- Month-end CSVs repeat column names (two ID_KEL, several "Perawatan RS", "Meninggal", ...)
  and add columns over the year, so they are read by position: an upper-case header (ODP, PDP,
  SUSPEK, PROBABLE, PELAKU PERJALANAN, KONTAK ERAT, DISCARDED, POSITIF) opens a group and the
  columns after it are its sub-counts, keyed "<group>_<column>" in snake case
  ("probable_perawatan_rs"). The headline counts fill their own columns; the POSITIF group's
  Dirawat / Sembuh / Meninggal / Self Isolation fill dirawat, sembuh, meninggal,
  self_isolation; every other count goes to `details`. "N/A" (all suspek columns of December)
  and empty cells are stored as null. TOTAL / BELUM DIKETAHUI / LUAR DKI JAKARTA / PROSES
  UPDATE DATA rows are not kelurahan: they are counted in one note, not reported as errors.
- The daily series is keyed by upper-case kelurahan name: names are matched through the
  month-end files' nama_kelurahan -> ID_KEL and then the Area names, ignoring case, spaces and
  punctuation, after folding the Kepulauan Seribu aliases ("P. HARAPAN" -> "PULAU HARAPAN",
  "UNTUNG JAWA" -> "PULAU UNTUNG JAWA"); when an alias and the official name give the same
  day, the official name's figures are kept. Days after 16 Jul 2020 are skipped: from 17 Jul
  the source switched to the KMK 413/2020 definitions, so its "odp"/"pdp" fields no longer
  mean ODP/PDP (province-wide "ODP selesai pemantauan" falls from 84,917 to 388 overnight).
- Writes go through one query that reads the stored reports of the affected days into a dict,
  then bulk_create / bulk_update in batches, so the whole import takes seconds.
"""
