"""The data contract as code: the input tables and their cleaning rules (schema), the KR
definitions (kr + krs/*.yaml), fiscal periods, the scopes and their one resolver, value checks.
"""
