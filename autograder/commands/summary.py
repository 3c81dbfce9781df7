"""The table ``autograder grade`` prints at the end, and where to find everything."""

from __future__ import annotations

from collections import defaultdict


def print_summary(run, paths) -> None:
    by_assignment = defaultdict(list)
    for row in run.grades:
        by_assignment[row.assignment].append(row)
    print()
    print(f"{'assignment':24} {'graded':>6} {'missing':>7} {'pending':>7} {'late':>5} {'mean %':>7}")
    for assignment, rows in by_assignment.items():
        graded = [r for r in rows if r.status == "graded"]
        mean = sum(r.percent for r in graded) / len(graded) if graded else 0.0
        print(f"{assignment:24} {len(graded):6d} {sum(r.status == 'missing' for r in rows):7d} "
              f"{sum(r.status == 'pending' for r in rows):7d} {sum(r.late for r in rows):5d} {mean:7.1f}")
    graded_now = [o for o in run.outcomes if o.results is not None]
    per_submission = sum(o.seconds for o in graded_now) / len(graded_now) if graded_now else 0.0
    print(f"\ngraded {len(graded_now)} submission(s) this run ({run.new_attempts} new attempt(s)) in "
          f"{run.seconds:.1f} s; {per_submission:.1f} s per submission")
    if not getattr(run, "republished", True):
        print("results, exports and reports were up to date (nothing they depend on changed)")
    errors = [o for o in run.outcomes if o.error]
    if errors:
        print(f"\nThe grader failed on {len(errors)} submission(s) (they will be retried on the next run):")
        for outcome in errors:
            print(f"  {outcome.assignment} / {outcome.student_id}: {outcome.error.strip().splitlines()[-1]}")
    if run.intake and run.intake.unplaced:
        print(f"\n{len(run.intake.unplaced)} file(s) could not be placed:")
        for item in run.intake.unplaced:
            print(f"  {item.origin}: {item.reason}")
    if run.export_unplaced:
        print("\nExport warnings:")
        for item in run.export_unplaced:
            print(f"  {item}")
    print(f"\ngradebook: {paths.gradebook}")
    print(f"results:   {paths.output / 'results'}")
    if run.export_paths:
        print(f"exports:   {paths.output / 'exports'}")
    if run.reports is not None:
        print(f"reports:   {paths.output / 'reports' / 'index.html'} (student reports and dashboards)")
        for failure in run.reports.failures:
            print(f"  report failed: {failure}")
