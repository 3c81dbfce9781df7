"""Reports people read: each student's feedback, and the class and course dashboards.

``build_reports(grades, reports_dir, course=..., titles=..., lang="zh")`` writes them all from the
final grades (:mod:`autograder.gradebook.final`), without re-grading; ``autograder report`` runs it
on the gradebook. One module per idea:

- ``student``, ``plaintext``: one student's report as data, and its short text version;
- ``dashboard``: the per-assignment and course dashboards as data;
- ``records``, ``hints``, ``shapes``: what the reports read out of results documents;
- ``svg``, ``charts``: small inline SVG charts, and the matplotlib histograms (CJK font);
- ``messages``: every UI string, in Chinese and English;
- ``render``, ``templates/``: Jinja with autoescaping; ``paths``: safe file names and layout;
- ``build``: the whole build; ``bench``: how long it takes for a large class.
"""

from autograder.reports.build import BuildSummary, build_reports

__all__ = ["BuildSummary", "build_reports"]
