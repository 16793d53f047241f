"""File formats of Kring's downloads: Markdown and CSV, written from the plain data the core's
exports return (Core.export, each feature's `export`). The core knows no file format; every CSV
cell goes through `cells.csv_cell` and every line of user text in Markdown through `cells.md_text`,
so the rules against spreadsheet formulas and accidental markup are the same everywhere."""
