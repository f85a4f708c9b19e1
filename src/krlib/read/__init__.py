"""Stage 1, read: find a drop's table files, tell what each file is, decode it, find the
header and apply the value rules; one reader per file type. Gives raw text tables.

Every cell comes back as text after the contract's value rules
(:func:`~krlib.read.text.normalise_cells`: NFC, ``ํ``+``า`` read as ``ำ``, zero-width
characters removed, non-breaking spaces read as spaces, stripped, one leading apostrophe
removed); ids never become floats, leading zeros stay. Problems with a whole file raise
:class:`~krlib.errors.InputError` (one line: file, column, what to do).

- :mod:`~krlib.read.detect`: what a file is (by its bytes), which file holds which table;
- :mod:`~krlib.read.text`: the value rules;
- :mod:`~krlib.read.headers`: the header row below title rows, matched to the contract;
- :mod:`~krlib.read.delimited`: the reader of delimited text (CSV / TSV / TXT);
- :mod:`~krlib.read.workbooks`: the reader of workbooks (``.xlsx``, ``.xls``, ``.ods``);
- :mod:`~krlib.read.huge_sheets`: workbook sheets too large for calamine, streamed;
- :mod:`~krlib.read.table`: what a file read gives (``ParsedFile``, then ``RawTable``);
- :mod:`~krlib.read.drop`: ``READERS`` (file type -> reader) and reading a file or a drop.
"""
