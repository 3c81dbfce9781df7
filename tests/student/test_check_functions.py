"""What the template asks for, what the public tests use, what a student left TODO (source only)."""

from __future__ import annotations

from autograder.assignment import RELEASE_DIR
from autograder.student.functions import asked_for, names_used_by_tests, student_todos


def test_the_template_asks_for_its_todo_definitions_in_order():
    """Are the template's definitions with a TODO listed in order, given code (a helper without TODO) left out?"""
    template = "def given(x):\n    return x\n\ndef f(x):\n    raise NotImplementedError('f')\n\n" \
               "class M:\n    def __init__(self):\n        self.a = 1\n    def forward(self, x):\n" \
               "        raise NotImplementedError('forward')\n"
    assert asked_for(template) == ["f", "M"]


def test_public_tests_are_mapped_to_the_student_names_they_use():
    """Does each public test map to the student names it uses, through every import form, first use first?"""
    tests = ("import importlib\nimport attention as a\nfrom attention import hard_attention as hard\n"
             "mod = importlib.import_module('attention')\n\n"
             "def test_one():\n    x = mod.causal_mask(3)\n    mod.masked_softmax(x)\n\n"
             "def test_two():\n    a.MultiHeadAttention(8, 2)\n\n"
             "class TestThree:\n    def test_three(self):\n        hard(1, 2, 3)\n")
    assert names_used_by_tests(tests, "attention") == {
        "test_one": ["causal_mask", "masked_softmax"], "test_two": ["MultiHeadAttention"],
        "test_three": ["hard_attention"]}


def test_released_public_tests_each_check_a_function_the_template_asks_for():
    """Does every public test of every released assignment use a function its template asks for first?"""
    for folder in sorted(p for p in RELEASE_DIR.iterdir() if (p / "assignment.toml").is_file()):
        module = next(p.stem for p in folder.glob("*.ipynb"))
        asked = asked_for((folder / f"{module}.py").read_text(encoding="utf-8"))
        used = names_used_by_tests((folder / "test_public.py").read_text(encoding="utf-8"), module)
        assert used and all(names and names[0] in asked for names in used.values()), folder.name


def test_a_class_is_todo_by_method_and_the_last_definition_wins():
    """Is a class TODO in the methods that still raise, and does a later definition replace an earlier one?"""
    first = "def f():\n    raise NotImplementedError\n\nclass C:\n    def a(self):\n        return 1\n" \
            "    def b(self):\n        raise NotImplementedError('b')\n"
    assert student_todos([first, "def f():\n    return 2\n"]) == {"f": None, "C": ("b",)}
