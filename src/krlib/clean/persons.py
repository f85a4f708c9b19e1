"""Persons joined by confirmed links (contract v3): connected components, vectorised.

A cohort table's records already form persons by citizen id (:mod:`krlib.clean.tables`);
``person_links`` joins records, and so their persons, transitively. The components are
found by hooking roots and pointer jumping over numpy arrays: each round merges every
pair of components some link still separates, so the rounds are few (about log n), and
no Python loop runs over rows. (scipy's ``connected_components`` would do the same; it
is not a dependency of krlib.)
"""

from __future__ import annotations

from typing import cast

import numpy as np


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The component of each node 0..n-1 of the graph with edges (a[i], b[i]), named by
    its smallest node: ``out[x] == min(component of x)``; without edges ``arange(n)``."""
    parent = np.arange(n, dtype=np.int64)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    while True:
        ra, rb = parent[a], parent[b]  # roots: parent is fully compressed here
        apart = ra != rb
        if not apart.any():
            return parent
        # hook each larger root under the smallest root it is linked to: parent[x] <= x
        # always holds, so no cycle can form and a root is its component's smallest node
        np.minimum.at(parent, np.maximum(ra[apart], rb[apart]),
                      np.minimum(ra[apart], rb[apart]))
        while True:  # pointer jumping until every node points at its root
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up


def merge_persons(person: np.ndarray, rec: np.ndarray, rec_a: np.ndarray,
                  rec_b: np.ndarray) -> np.ndarray:
    """Each cohort row's person once the records ``rec_a[i]`` and ``rec_b[i]`` are one
    person (and so every record of either person): the smallest person code of the
    merged group, so a person no link touches keeps their code.

    ``person`` and ``rec`` are the rows' person and record codes (``rec`` a permutation
    of 0..len-1, as cleaning gives them); ``rec_a`` / ``rec_b`` are record codes.
    """
    person = np.asarray(person, dtype=np.int64)
    if not len(person) or not len(rec_a):
        return person.copy()
    of_rec = np.empty(len(person), dtype=np.int64)
    of_rec[np.asarray(rec, dtype=np.int64)] = person
    label = components(int(person.max()) + 1, of_rec[rec_a], of_rec[rec_b])
    return cast(np.ndarray, label[person])
