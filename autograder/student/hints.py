"""A hint for a failed public test, in Chinese and English.

The public test's own message comes first when it has one (``assert cond, "subtract each row's
maximum before exp"``): the author wrote it for exactly this failure. Otherwise the kind of
failure decides, checked in order; the first rule that matches gives the hint. The catalogue of
common mistakes behind the grader's targeted hints stays with the hidden suite (it is written
against the reference solution), so a student's checker only has these general ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Hint:
    zh: str
    en: str

    def text(self) -> str:
        return f"{self.zh} / {self.en}" if self.zh else self.en


# (what the failure looks like, the hint); matched against "<error type>: <message>".
_RULES: tuple[tuple[re.Pattern, Hint], ...] = (
    (re.compile(r"^NotImplementedError"), Hint(
        "还没有实现：把 TODO 处的 raise NotImplementedError 换成你的代码。",
        "Not written yet: replace the TODO's `raise NotImplementedError` with your code.")),
    (re.compile(r"has no attribute|cannot import name|your code defines no"), Hint(
        "找不到这个名字：函数名、类名和参数名必须与说明完全一致，并且定义在文件顶层。",
        "A name is missing: keep function, class and parameter names exactly as the statement gives "
        "them, defined at the top level of your file.")),
    (re.compile(r"did not finish within|timed out", re.IGNORECASE), Hint(
        "运行超时：检查是否有死循环，或者是否做了远超需要的计算。",
        "It ran out of time: look for an endless loop, or far more work than needed.")),
    (re.compile(r"crashed|was killed|exited with status|called sys.exit|ended the process"), Hint(
        "运行你代码的进程崩溃或退出了：不要调用 exit()/os._exit()，检查内存用量和无穷递归。",
        "The process running your code crashed or exited: do not call exit() or os._exit(), and check "
        "memory use and endless recursion.")),
    (re.compile(r"same device|Expected all tensors to be on|device type|no NVIDIA driver|not compiled with CUDA",
                re.IGNORECASE), Hint(
        "设备不一致：新建张量时使用输入所在的设备，例如 torch.zeros(n, device=x.device)。",
        "Tensors on different devices: create new tensors on your inputs' device, e.g. "
        "torch.zeros(n, device=x.device).")),
    (re.compile(r"nan\b", re.IGNORECASE), Hint(
        "结果中出现了 NaN：检查整行都被遮住的情况（-inf 会让 softmax 出现 0/0），以及很大的输入。",
        "NaN in the result: check fully masked rows (-inf makes softmax compute 0/0) and large inputs.")),
    (re.compile(r"shape|torch\.Size|size mismatch|must match the size|mat1 and mat2|size of tensor",
                re.IGNORECASE), Hint(
        "形状不对：对照说明和文档字符串中给出的形状，检查你在哪个维度上求和、变形或转置。",
        "A shape is wrong: compare with the shapes the statement and docstring give, and check which "
        "axis you reduce, reshape or transpose.")),
    (re.compile(r"dtype|expected scalar type", re.IGNORECASE), Hint(
        "数据类型不对：保持输入的 dtype（例如 float32），布尔掩码请返回 torch.bool。",
        "A dtype is wrong: keep the inputs' dtype (float32, say), and return torch.bool for masks.")),
    (re.compile(r"not close|Mismatched elements", re.IGNORECASE), Hint(
        "数值不对：对照说明中的公式，用题目里的小例子手算一遍。",
        "The numbers are wrong: check the formula in the statement and work the small case by hand.")),
    (re.compile(r"^(?!AssertionError)\w*(?:Error|Exception)\b"), Hint(
        "你的代码抛出了异常：上面指出了出错的那一行（完整的回溯信息见 details）。",
        "Your code raised an exception at the line shown (the whole traceback is under the details).")),
)


def hint_for(error_type: str, message: str) -> Hint | None:
    """The hint for a failure with this exception type and message, or None."""
    authored = authored_message(error_type, message)
    if authored:
        return Hint("", authored)
    text = f"{error_type}: {message}" if error_type else message
    for pattern, hint in _RULES:
        if pattern.search(text):
            return hint
    return None


def authored_message(error_type: str, message: str) -> str:
    """The message a test's author gave an ``assert``, or ``""``.

    pytest shows such a failure as ``AssertionError: <message>`` followed by its explanation
    (``assert ...``); messages of ``torch.testing.assert_close`` have no such line.
    """
    lines = message.strip().split("\n")
    if error_type != "AssertionError" or not any(line.startswith("assert ") for line in lines[1:]):
        return ""
    first = lines[0].removeprefix("AssertionError: ").strip()
    return "" if first.startswith("assert ") else first
