"""The gender a given name says ("Fiona Grant" is a woman), learned from GAP development: the first
word of each two-word-or-longer name, counted by the gender of the pronoun that snippet is about
(GAP's two names always share it). Only names seen often enough with one gender are listed, so a
name used for both ("Jordan") says nothing. `bench/train_antecedents.py` writes the file.

A gender from here rules people out as a he/she antecedent, but unlike an honorific or "his
mother" it never makes a rewrite certain on its own.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

NAMES_FILE = Path(__file__).with_name("given_names.json")


@lru_cache(maxsize=1)
def genders() -> dict[str, str]:
    if not NAMES_FILE.exists():
        return {}
    return dict(json.loads(NAMES_FILE.read_text(encoding="utf-8"))["names"])


def gender_of(full_name: str) -> str | None:
    """ "female" for "Fiona Grant", None for a one-word name or a given name the file does not know."""
    words = full_name.split()
    return genders().get(words[0]) if len(words) > 1 else None
