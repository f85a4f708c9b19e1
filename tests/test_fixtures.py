"""The vendored worked example is the contract's own, byte for byte."""

from __future__ import annotations

import pytest
from conftest import CONTRACT_EXAMPLE, SHARED_EXAMPLE


@pytest.mark.skipif(not SHARED_EXAMPLE.is_dir(),
                    reason="../shared/contract is not beside this clone")
def test_vendored_example_equals_shared_contract():
    shared = sorted(p.relative_to(SHARED_EXAMPLE)
                    for p in SHARED_EXAMPLE.rglob("*") if p.is_file())
    ours = sorted(p.relative_to(CONTRACT_EXAMPLE)
                  for p in CONTRACT_EXAMPLE.rglob("*") if p.is_file())
    assert ours == shared
    for rel in shared:
        assert (CONTRACT_EXAMPLE / rel).read_bytes() == (SHARED_EXAMPLE / rel).read_bytes(), rel
