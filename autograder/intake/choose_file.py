"""Which file of an attempt is the submission, and which files intake ignores silently.

Only ``.py`` and ``.ipynb`` files (any letter case) can be the submission. The candidates are
tried in tiers, and the first tier that has any candidate decides:

1. the exact name: ``<module>.py`` or ``<module>.ipynb`` (letter case ignored);
2. the module name with a copy suffix that browsers, LMSs and file managers add:
   ``attention (1).ipynb``, ``attention-1.ipynb`` (Canvas renames a re-uploaded file this way),
   ``attention_2.py``, ``attention（1）.py``, ``attention - Copy.py``, ``attention - 副本.py``;
3. any ``.py`` or ``.ipynb`` file (students rename files: ``作业1.ipynb``, ``hw1_zhangwei.py``).

Within the deciding tier, one notebook wins over any number of scripts (a student who exported
their notebook to a script as well gets the notebook graded; the script is listed as "two
submissions in one attempt; graded the notebook"). With no notebook, a single script wins. Two or
more notebooks, or two or more scripts and no notebook, are ambiguous: nothing is graded and every
file of the attempt is listed with the reason, so the instructor can rename one.

Every file that is not the submission is listed with a reason (never dropped silently), except
the junk that :func:`is_ignored` names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

SUBMISSION_SUFFIXES = (".ipynb", ".py")

# Ignored silently wherever they appear (folders and archives, at any depth): hidden files and
# folders (``.DS_Store``, ``.ipynb_checkpoints``, ``._attention.py`` AppleDouble files), Python's
# byte-code cache, and the resource-fork folder macOS adds to every zip it makes.
IGNORED_NAMES = frozenset({"__pycache__", "__MACOSX"})

# What copies and re-downloads append to a name: " (1)", "(1)", "（1）", "-1", "_1", " 2",
# " - Copy", " copy", " - 副本", possibly repeated ("attention (1) (2)").
_COPY_SUFFIX = r"(?:\s*[-_]?\s*(?:\(\d+\)|（\d+）|\d+|copy|副本))*"


def is_ignored(name: str) -> bool:
    """Is this file or folder name junk that intake skips without a record?"""
    return name.startswith(".") or name in IGNORED_NAMES


def is_candidate(name: str) -> bool:
    """Could a file of this name be a submission (a script or a notebook)?"""
    return name.lower().endswith(SUBMISSION_SUFFIXES)


@dataclass(frozen=True)
class Choice:
    """The outcome of choosing: the index of the submission (or None) and why each other file is not it."""

    chosen: int | None
    reasons: dict[int, str] = field(default_factory=dict)


def choose_submission(names: list[str], module: str) -> Choice:
    """Choose the submission among the file names of one attempt.

    Args:
        names: the names of the attempt's files (base names, ignored junk already removed).
        module: the assignment's module name, e.g. ``"attention"``.

    Returns:
        A :class:`Choice`; ``reasons`` has an entry for every index other than ``chosen``.
    """
    candidates = [i for i, name in enumerate(names) if is_candidate(name)]
    if not candidates:
        return Choice(None, {i: "no .py or .ipynb file in this attempt" for i in range(len(names))})
    tier = _deciding_tier(names, candidates, module)
    notebooks = [i for i in tier if names[i].lower().endswith(".ipynb")]
    scripts = [i for i in tier if i not in notebooks]
    if len(notebooks) == 1 or (not notebooks and len(scripts) == 1):
        chosen = notebooks[0] if notebooks else scripts[0]
        return Choice(chosen, _reasons_beside(names, chosen, scripts if notebooks else []))
    listed = ", ".join(names[i] for i in tier)
    reason = (f"ambiguous: {len(tier)} files could be the submission ({listed}); "
              f"name the one to grade {module}.ipynb or {module}.py")
    return Choice(None, {i: reason for i in range(len(names))})


def _deciding_tier(names: list[str], candidates: list[int], module: str) -> list[int]:
    key = module.casefold()
    exact = [i for i in candidates if _stem(names[i]).casefold() == key]
    if exact:
        return exact
    copy = re.compile(re.escape(key) + _COPY_SUFFIX, re.IGNORECASE)
    copies = [i for i in candidates if copy.fullmatch(_stem(names[i]).casefold().strip())]
    return copies or candidates


def _reasons_beside(names: list[str], chosen: int, outvoted_scripts: list[int]) -> dict[int, str]:
    reasons = {}
    for i, name in enumerate(names):
        if i == chosen:
            continue
        if i in outvoted_scripts:
            reasons[i] = f"two submissions in one attempt; graded the notebook {names[chosen]}"
        else:
            reasons[i] = f"not the submission; this attempt's submission is {names[chosen]}"
    return reasons


def _stem(name: str) -> str:
    return PurePosixPath(name).stem
