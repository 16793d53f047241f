"""File formats of Kring's downloads: Markdown and CSV, written from the plain data the core's
exports return (Core.export, each feature's `export`). The core knows no file format; every CSV
cell goes through `cells.csv_cell` and every line of user text in Markdown through `cells.md_text`,
so the rules against spreadsheet formulas and accidental markup are the same everywhere.

Two kinds: data for tools (the JSON export, the CSVs, the trajectory report: everything, with ids
and times as stored) and summaries for people (`summary`, `trajectory_summary`: one session or the
whole trajectory in the session's language, local times, results as tables; written as Markdown
by `summary_markdown` and as a printable page by web/templates/summary.html)."""
