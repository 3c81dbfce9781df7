"""Every word the reports show, in Chinese and English: the one message catalogue.

A key maps to its Chinese and its English text; ``{name}`` placeholders are filled by
:meth:`Messages.__call__`. Chinese is the default, as in the course. Test names, test messages and
hints come from the suites and are shown as they are (the hints are already bilingual).
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

# key: (中文, English)
CATALOGUE: dict[str, tuple[str, str]] = {
    # the student report
    "report_title": ("{assignment} · 评分报告", "{assignment} · grading report"),
    "student": ("学生", "Student"),
    "total": ("总分", "Total"),
    "autograded": ("自动评分", "Autograded"),
    "raw_score": ("测试得分 {score} / {max}", "tests {score} / {max}"),
    "late_penalty": ("迟交 {days} 天：自动评分 ×{multiplier}", "{days} day(s) late: autograded part ×{multiplier}"),
    "on_time": ("按时提交", "on time"),
    "manual_component": ("人工评分：{component}", "Hand-graded: {component}"),
    "not_graded_yet": ("尚未评分", "not graded yet"),
    "status_missing": ("没有收到你的提交。", "No submission was received from you."),
    "status_pending": ("已收到你的提交，但尚未按当前测试评分。", "Your submission was received but is not graded yet."),
    "by_function": ("按函数得分", "Score by function"),
    "function": ("函数", "Function"),
    "score": ("得分", "Score"),
    "tests": ("测试", "Tests"),
    "tests_passed": ("通过 {passed} / {count}", "{passed} of {count} passed"),
    "passed": ("通过", "passed"),
    "failed": ("未通过", "failed"),
    "partial": ("部分得分", "partial"),
    "hidden_test": ("隐藏测试", "hidden test"),
    "hint": ("常见错误提示", "Common mistake"),
    "hint_seen_in": ("{count} 个测试出现此错误", "seen in {count} test(s)"),
    "hint_see_above": ("见上方提示", "see the hint above"),
    "all_passed": ("全部通过", "All passed"),
    "your_shape": ("你的形状", "your shape"),
    "expected_shape": ("期望形状", "expected shape"),
    "shape_diagram": ("形状对比：{what}", "Shapes of {what}"),
    "loss_curve": ("训练损失曲线", "Training loss"),
    "your_curve": ("你的损失", "your loss"),
    "reference_curve": ("参考实现", "reference"),
    "step": ("步数", "step"),
    "loss": ("损失", "loss"),
    "log_scale": ("对数坐标", "log scale"),
    "not_finite_at": ("第 {step} 步起出现 NaN/inf", "NaN/inf from step {step}"),
    "heatmap": ("注意力热力图", "Attention heatmap"),
    "saliency": ("显著性图", "Saliency map"),
    "yours": ("你的结果", "yours"),
    "expected": ("期望结果", "expected"),
    "measurements": ("测量值", "Measurements"),
    "load_problems_banner": ("加载你的代码时发现 {count} 个问题，见页面底部。",
                             "{count} problem(s) were found while loading your code; see the bottom of the page."),
    "grader_failed_banner": ("评分程序自身在部分测试上出错（不是你的问题），老师会处理。",
                             "The grader itself failed on some tests (not your fault); "
                             "your instructor will look at them."),
    "load_messages": ("加载代码时的问题", "Problems found while loading your code"),
    "dropped_statements": ("评分时忽略的顶层语句", "Top-level statements the grader left out"),
    "skipped_tests": ("跳过的测试", "Skipped tests"),
    "about_grading": ("评分环境", "How this was graded"),
    "isolation": ("隔离", "Isolation"),
    "parity_mode": ("设备一致性检查", "Device parity check"),
    "device": ("设备", "Device"),
    "versions": ("版本", "Versions"),
    "submission": ("提交文件", "Submission"),
    "grading_time": ("评分用时", "Grading time"),
    "seconds": ("{value} 秒", "{value} s"),
    "more_failed": ("……还有 {count} 个未通过的测试，详见 HTML 报告。",
                    "... {count} more failed test(s); see the HTML report."),
    "full_report": ("完整报告含每个测试的说明和图。", "The full report has every test's message and pictures."),
    # the dashboards
    "dashboard_title": ("{title} · 班级概览", "{title} · class dashboard"),
    "course_dashboard_title": ("{course} · 课程概览", "{course} · course dashboard"),
    "assignment": ("作业", "Assignment"),
    "students": ("学生数", "Students"),
    "graded": ("已评分", "Graded"),
    "pending": ("待评分", "Pending"),
    "missing": ("未提交", "Missing"),
    "late": ("迟交", "Late"),
    "mean": ("平均", "Mean"),
    "median": ("中位数", "Median"),
    "score_distribution": ("分数分布", "Score distribution"),
    "percent_of_total": ("得分率（%，含人工评分）", "score (% of total, hand-graded parts included)"),
    "count_students": ("人数", "students"),
    "pass_rates": ("各测试通过率（最难的在前）", "Pass rate per test (hardest first)"),
    "pass_rate": ("通过率", "Pass rate"),
    "test": ("测试", "Test"),
    "kind": ("类型", "Kind"),
    "frequent_mistakes": ("最常见的错误", "Most frequent catalogued mistakes"),
    "mistake": ("错误", "Mistake"),
    "students_affected": ("涉及学生", "Students"),
    "no_mistakes": ("没有匹配到目录中的常见错误。", "No catalogued mistake was matched."),
    "late_submissions": ("迟交的提交", "Late submissions"),
    "days_late": ("迟交天数", "Days late"),
    "multiplier": ("系数", "Multiplier"),
    "missing_submissions": ("未提交的学生", "Missing submissions"),
    "pending_submissions": ("尚未评分的提交", "Submissions not graded yet"),
    "none": ("无", "none"),
    "grading_times": ("每份提交的评分用时", "Grading time per submission"),
    "slowest": ("最慢的提交", "Slowest submissions"),
    "p90": ("90% 分位", "90th percentile"),
    "max": ("最长", "Longest"),
    "sum": ("合计", "Total"),
    "grader_errors": ("评分程序自身的错误", "Failures of the grader itself"),
    "grader_errors_none": ("没有。", "None, as it should be."),
    "grader_errors_some": ("{count} 个测试中评分程序出错：请修复测试套件后重新评分。",
                           "The grader failed in {count} test(s): fix the suite, then re-grade."),
    "load_problems": ("有加载问题的提交", "Submissions with loading problems"),
    "report": ("报告", "Report"),
    "name": ("姓名", "Name"),
    "student_id": ("学号", "Student id"),
    "course_total": ("课程总评", "Course total"),
    "all_students": ("全部学生", "All students"),
    "course_distribution": ("课程总评分布", "Distribution of course totals"),
    "generated_by": ("由自动评分系统生成", "Generated by the autograder"),
    "no_data": ("暂无数据", "no data yet"),
    "back_to_course": ("返回课程概览", "Back to the course dashboard"),
}


@dataclass(frozen=True)
class Messages:
    """The catalogue in one language: ``t("raw_score", score=3, max=5)``."""

    lang: str

    def __post_init__(self):
        if self.lang not in LANGUAGES:
            raise ValueError(f"unknown report language {self.lang!r} (choose from {', '.join(LANGUAGES)})")

    def __call__(self, key: str, **values) -> str:
        zh, en = CATALOGUE[key]
        return (zh if self.lang == "zh" else en).format(**values)

    def label(self, key: str, **values) -> str:
        """The message followed by a colon as each language writes it: ``学生：`` or ``Student: ``."""
        return self(key, **values) + ("：" if self.lang == "zh" else ": ")

    @property
    def html_lang(self) -> str:
        return "zh-CN" if self.lang == "zh" else "en"


def messages(lang: str = DEFAULT_LANGUAGE) -> Messages:
    return Messages(lang)


def format_points(value: float | None) -> str:
    """Points as people write them: ``90``, ``35.56``, ``0.5`` (two decimals at most)."""
    if value is None:
        return "–"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
