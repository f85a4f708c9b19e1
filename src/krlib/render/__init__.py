"""Stage 6, render: executed notebooks to offline HTML (nbconvert, a Jinja template) and to
A4 PDF (Chromium), with each chart's own PNG data in the PDF.
"""
