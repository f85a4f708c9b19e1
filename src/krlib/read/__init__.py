"""Stage 1, read: find a drop's table files, tell what each file is, decode it, find the
header and apply the value rules; one reader per file type. Gives raw text tables.
"""
