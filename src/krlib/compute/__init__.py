"""Stage 3, compute: the counting rules (indicators), the aggregates a batch shares with
its notebooks (prepare), method variants (methods) and the contract's warnings (alerts).
"""
