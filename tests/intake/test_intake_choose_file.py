"""Which file of an attempt is graded (autograder.intake.choose_file)."""

import pytest

from autograder.intake.choose_file import choose_submission, is_ignored


def chosen_name(names, module="attention"):
    choice = choose_submission(names, module)
    return None if choice.chosen is None else names[choice.chosen]


def test_exact_module_name_wins_over_renamed_files():
    """Is attention.py graded when the attempt also holds other scripts and a copy?"""
    assert chosen_name(["helper.py", "attention (1).ipynb", "attention.py", "report.pdf"]) == "attention.py"


def test_notebook_wins_when_both_exact_names_are_present():
    """With attention.ipynb and attention.py, is the notebook graded and the script listed with why?"""
    names = ["attention.py", "attention.ipynb"]
    choice = choose_submission(names, "attention")
    assert names[choice.chosen] == "attention.ipynb"
    assert choice.reasons == {0: "two submissions in one attempt; graded the notebook attention.ipynb"}


def test_letter_case_of_the_name_and_suffix_is_ignored():
    """Is Attention.PY recognised as the module's script?"""
    assert chosen_name(["notes.py", "Attention.PY"]) == "Attention.PY"


@pytest.mark.parametrize("copy", ["attention (1).ipynb", "attention-1.ipynb", "attention（2）.py", "attention_2.py",
                                  "attention - Copy.py", "attention - 副本.py", "attention (1) (2).py"])
def test_copy_suffixes_count_as_the_module_name(copy):
    """Do browser, Canvas and file-manager copy names beat an unrelated script?"""
    assert chosen_name(["helper.py", copy]) == copy


@pytest.mark.parametrize("name", ["作业1.py", "hw1_zhangwei.ipynb", "$(rm -rf ~);`id`.py"])
def test_a_single_renamed_file_is_the_submission(name):
    """Is the only .py or .ipynb file graded whatever its name?"""
    assert chosen_name([name, "README.md"]) == name


def test_two_unrelated_notebooks_are_ambiguous_and_every_file_says_so():
    """With two notebooks and no module name, is nothing graded and is each file told why?"""
    choice = choose_submission(["a.ipynb", "b.ipynb", "data.csv"], "attention")
    assert choice.chosen is None
    assert set(choice.reasons) == {0, 1, 2}
    assert all("ambiguous" in r and "a.ipynb, b.ipynb" in r and "attention.ipynb" in r for r in choice.reasons.values())


def test_one_notebook_beats_scripts_in_the_same_tier():
    """Is a renamed notebook graded over an exported script of the same work?"""
    assert chosen_name(["作业1.py", "作业1.ipynb"]) == "作业1.ipynb"


def test_no_script_or_notebook_lists_every_file():
    """With only a PDF and a text file, is each listed as 'no .py or .ipynb'?"""
    choice = choose_submission(["report.pdf", "attention.py.txt"], "attention")
    assert choice.chosen is None
    assert set(choice.reasons.values()) == {"no .py or .ipynb file in this attempt"}


def test_other_files_beside_the_submission_are_named_in_the_reason():
    """Does a lab report beside the notebook say which file was graded instead?"""
    choice = choose_submission(["attention.ipynb", "report.pdf"], "attention")
    assert choice.reasons == {1: "not the submission; this attempt's submission is attention.ipynb"}


@pytest.mark.parametrize("name,ignored", [(".DS_Store", True), (".ipynb_checkpoints", True), ("__pycache__", True),
                                          ("__MACOSX", True), ("._attention.py", True), ("attention.py", False)])
def test_junk_is_ignored(name, ignored):
    """Are hidden files, byte-code caches and macOS zip folders junk, and real files not?"""
    assert is_ignored(name) is ignored
