"""Stage 4, outputs: what a run writes for machines and people who check: the contract
CSVs, the workbook, the manifest, the worklist, comparisons, the privacy scan.
"""
