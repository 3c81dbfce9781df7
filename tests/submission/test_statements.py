from autograder.submission.statements import KEEP_ALL, split_source


def kinds(result):
    return [(c.kind, c.names) for c in result.chunks]


def test_keeps_imports_definitions_and_constants_only():
    """Are imports, defs, classes and constant assignments kept, and loops, calls and plots dropped?"""
    source = (
        "import torch\nfrom torch import nn\nN = 3\nDEVICE = torch.device('cuda' if torch.cuda.is_available() else 'cpu')\n"
        "def f(x):\n    return x\nclass M(nn.Module):\n    pass\n"
        "model = M()\nfor i in range(10):\n    print(i)\nplt.plot([1])\n"
        "if __name__ == '__main__':\n    f(1)\n"
    )
    result = split_source(source, "s.py")
    assert kinds(result) == [("import", ()), ("import", ()), ("assignment", ("N",)), ("assignment", ("DEVICE",)),
                             ("function", ("f",)), ("class", ("M",))]
    assert [c.kind for c in result.dropped] == ["assignment", "for", "expr", "if"]


def test_keep_all_opts_out():
    """With keep='all', is every top-level statement kept?"""
    result = split_source("x = f()\nprint(x)\n", "s.py", keep=KEEP_ALL)
    assert len(result.chunks) == 2 and not result.dropped


def test_syntax_error_costs_only_the_broken_function():
    """Does a syntax error in one function leave the functions around it gradable?"""
    source = "def good():\n    return 1\n\ndef bad(:\n    return 2\n\ndef also_good():\n    return 3\n"
    result = split_source(source, "s.py")
    assert [c.names for c in result.chunks] == [("good",), ("also_good",)]
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.names == ("bad",) and problem.lineno == 4 and "SyntaxError" in problem.message


def test_docstring_text_in_column_zero_does_not_split_a_function():
    """Is a function whose docstring has text in column 0 kept whole when another part is broken?"""
    source = 'def f():\n    """\nText in column 0.\n    """\n    return 1\n\ndef broken(\n'
    result = split_source(source, "s.py")
    assert [c.names for c in result.chunks] == [("f",)]
    assert result.problems and result.problems[0].names == ("broken",)


def test_decorated_definition_stays_with_its_decorator():
    """Is a decorator kept together with the function under it, and are line numbers right?"""
    source = "import functools\n\n@functools.lru_cache\ndef f(x):\n    return x\n\nx = (\n"
    result = split_source(source, "s.py")
    chunk = next(c for c in result.chunks if c.names == ("f",))
    assert chunk.lineno == 3 and chunk.source.startswith("@functools.lru_cache")


def test_try_import_block_is_kept():
    """Is `try: import x / except ImportError` kept as an import?"""
    result = split_source("try:\n    import foo\nexcept ImportError:\n    foo = None\n", "s.py")
    assert len(result.chunks) == 1
