"""The golden outputs: every command's files are byte-identical to the recorded ones.

A change that is meant to change numbers re-records them (``python -m
tests.golden.record``) in the same commit and says which and why.
"""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from tests.golden import record


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    out = tmp_path_factory.mktemp("golden")
    record.produce(out)
    return out


def _names():
    return sorted(p.name for p in record.DATA.iterdir())


def test_the_same_files_are_produced(produced):
    assert sorted(p.name for p in produced.iterdir()) == _names()


@pytest.mark.parametrize("name", _names())
def test_output_is_identical(produced, name):
    want, got = record.DATA / name, produced / name
    if name.endswith(".png"):
        a = pygame.surfarray.array3d(pygame.image.load(str(want)))
        b = pygame.surfarray.array3d(pygame.image.load(str(got)))
        assert a.shape == b.shape
        differ = int(np.count_nonzero((a != b).any(axis=2)))
        assert differ == 0, f"{name}: {differ} pixels differ"
    else:
        assert got.read_bytes() == want.read_bytes(), f"{name} differs from the golden output"
