"""The data layer stays small and documented: no shipped data copied in, a card for every data set."""

from __future__ import annotations

import re
from pathlib import Path

import coursedata

DATASETS_DIR = Path(coursedata.__file__).resolve().parent.parent
IGNORED = {".cache", "downloads", "__pycache__"}


def tracked_files() -> list[Path]:
    return [p for p in DATASETS_DIR.rglob("*") if p.is_file() and not IGNORED & set(p.relative_to(DATASETS_DIR).parts)]


def test_datasets_folder_stays_under_twenty_megabytes():
    """Do the files under datasets/ (cache and downloads excluded) total less than 20 MB?"""
    total = sum(p.stat().st_size for p in tracked_files())
    assert total < 20 * 1024 * 1024, f"datasets/ holds {total / 1e6:.1f} MB"


def test_no_data_files_are_checked_in():
    """Is datasets/ only code and documentation (no copied arrays, archives or images)?"""
    allowed = {".py", ".md"}
    strays = [str(p.relative_to(DATASETS_DIR)) for p in tracked_files() if p.suffix not in allowed]
    assert strays == []


def test_every_card_in_the_index_exists_and_every_card_is_indexed():
    """Does datasets/README.md link every card in datasets/cards/, and does every link resolve?"""
    index = (DATASETS_DIR / "README.md").read_text()
    linked = set(re.findall(r"\(cards/([\w-]+\.md)\)", index))
    present = {p.name for p in (DATASETS_DIR / "cards").glob("*.md")}
    assert linked == present and linked


def test_every_module_is_named_for_its_domain():
    """Is there no catch-all module (utils, helpers, misc) in the package?"""
    names = {p.stem for p in (DATASETS_DIR / "coursedata").rglob("*.py")}
    assert not names & {"utils", "helpers", "misc", "common"}
