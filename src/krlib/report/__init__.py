"""Stage 5, report: what a report notebook shows, from prepared aggregates only: the view
and its sections, charts and maps, number style, the index page. Knows no KR code.
"""
