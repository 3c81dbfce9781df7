from autograder.exports import export


def _tables(grades, course, out_dir, read_sheet):
    result = export("csv", grades, course, out_dir)
    wide, long = (read_sheet(p) for p in result.paths)
    return result, wide, long


def test_wide_table_has_total_status_and_days_late(grades, course, out_dir, read_sheet, expected_points):
    """Does the wide table give each student's total, status and days late per assignment?"""
    _, wide, _ = _tables(grades, course, out_dir, read_sheet)
    assert wide[0] == ["student_id", "name", "section",
                       "ch01_attention total", "ch01_attention status", "ch01_attention days late",
                       "ch02_transformer total", "ch02_transformer status", "ch02_transformer days late"]
    rows = {row[0]: row for row in wide[1:]}
    assert rows["2024001"][3:] == ["108", "graded", "0", "36", "graded", "1"]
    assert rows["2024002"][6:] == ["", "missing", ""]
    assert rows["2024003"][3:5] == ["", "pending"]
    assert rows["2024004"][3:5] == ["10", "missing"]
    for (student, assignment), value in expected_points.items():
        column = wide[0].index(f"{assignment} total")
        assert rows[student][column] == ("" if value is None else f"{value:g}")


def test_long_table_has_one_row_per_test(grades, course, out_dir, read_sheet):
    """Does the long table have one row per student, assignment and test of each graded attempt?"""
    _, _, long = _tables(grades, course, out_dir, read_sheet)
    assert long[0] == ["student_id", "name", "assignment", "test", "score", "max_score", "status"]
    expected = sum(len(g.results["tests"]) for g in grades if g.results)
    assert len(long) - 1 == expected
    assert ["2024001", "张伟", "ch02_transformer", "encoder: numerics", "4", "6", "failed"] in long
    assert ["2024004", "O'Brien, Bob", "ch02_transformer", "encoder: shape", "3.3333", "4", "failed"] in long


def test_test_names_are_neutralised_too(grades, course, out_dir, read_sheet):
    """Is a test name starting with '-' ('-inf logits...') written as text, not a formula?"""
    _, _, long = _tables(grades, course, out_dir, read_sheet)
    assert {row[3] for row in long[1:]} >= {"'-inf logits stay finite"}


def test_both_files_have_a_bom_and_pending_is_listed(grades, course, out_dir):
    """Are both tables UTF-8 with a BOM, and the pending grade listed?"""
    result = export("csv", grades, course, out_dir)
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in result.paths)
    assert len(result.unplaced) == 1 and "not graded yet" in result.unplaced[0]
