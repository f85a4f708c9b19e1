"""Stage 2, clean: the contract's cleaning rules over the raw tables (parse each distinct
value once, reject or collapse rows with a reason) and the row account.
"""
