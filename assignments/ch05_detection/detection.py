# %% [markdown]
# # 第 5 章 目标检测 · Chapter 5: Object detection
#
# 在本作业中，你将从零实现目标检测的核心部件：交并比（IoU）、非极大值抑制（NMS）与按类别的 NMS、
# 锚框生成、Faster R-CNN 的边框编码与解码、RoI Pooling 与 RoI Align、候选框的训练目标分配、
# YOLO 的目标编码、损失与解码、SSD 的默认框与难负样本挖掘、VOC 的 AP 与 mAP，最后在 shapes world
# 上训练一个小型单阶段（YOLO 式）检测器。
#
# In this assignment you build the core of object detection from scratch: intersection over union
# (IoU), non-maximum suppression (NMS) and per-class NMS, anchor generation, Faster R-CNN's box
# encoding and decoding, RoI pooling and RoI align, proposal target assignment, YOLO's target
# encoding, loss and decoding, SSD's default boxes and hard-negative mining, VOC's AP and mAP; and
# you train a tiny one-stage (YOLO-style) detector on shapes world.
#
# **框的约定 · Box convention.** 所有框都是 `(x1, y1, x2, y2)` 格式的连续像素坐标（与 torchvision
# 相同）：像素 `(i, j)` 覆盖区域 `[j, j+1) × [i, i+1)`，宽为 `x2 - x1`，面积为 `(x2 - x1) * (y2 - y1)`，
# **没有** “+1”。面积为 0 的退化框是合法输入。
# Every box is `(x1, y1, x2, y2)` in continuous pixel coordinates, as in torchvision: pixel
# `(i, j)` covers `[j, j+1) x [i, i+1)`, the width is `x2 - x1` and the area `(x2 - x1) * (y2 - y1)`,
# with **no** "+1". Degenerate (zero-area) boxes are valid inputs.
#
# 只修改 `TODO` 处的代码；函数名、参数名和子模块名必须与说明一致。torchvision 中的检测函数（`torchvision.ops`、
# `torchvision.models.detection`）只能用来检查你的结果，不能在提交的函数中调用。
# Change only the code marked `TODO`; keep every function, parameter and submodule name as given.
# Use torchvision's detection functions (`torchvision.ops`, `torchvision.models.detection`) only to
# check your work, never inside the functions you submit.

# %%
import math

import torch
import torch.nn.functional as F
from torch import nn

# The largest log-scale change decode_boxes applies: a box grows at most 1000 / 16 = 62.5 times.
BBOX_XFORM_CLIP = math.log(1000.0 / 16)

# The detector of section 10: 8 pixels per grid cell (a 64 x 64 shapes-world canvas gives an 8 x 8
# grid), and two anchor shapes (w, h) in pixels (shapes-world objects are 10 to 20 pixels wide).
STRIDE = 8
ANCHORS = ((12.0, 12.0), (20.0, 20.0))


# %% [markdown]
# ## 1. 面积与交并比 · Box area and IoU
#
# $\mathrm{IoU}(A, B) = \dfrac{|A \cap B|}{|A \cup B|} = \dfrac{|A \cap B|}{|A| + |B| - |A \cap B|}$

# %%
def box_area(boxes):
    """Area of each box.

    Args:
        boxes (Tensor[N, 4]): ``(x1, y1, x2, y2)`` with ``x1 <= x2`` and ``y1 <= y2``.

    Returns:
        Tensor[N]: ``(x2 - x1) * (y2 - y1)`` (continuous coordinates, no "+1").
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('box_area')


def box_iou(boxes1, boxes2):
    """Pairwise intersection over union of two sets of boxes.

    Args:
        boxes1 (Tensor[N, 4]), boxes2 (Tensor[M, 4]): ``(x1, y1, x2, y2)``, ``x1 <= x2``, ``y1 <= y2``.

    Returns:
        Tensor[N, M]: ``iou[i, j]`` between ``boxes1[i]`` and ``boxes2[j]``, in [0, 1]. When the
        union is 0 (two zero-area boxes) the IoU is 0, not NaN (torchvision gives NaN there).

    Raises:
        ValueError: when an input is not of shape (N, 4).
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('box_iou')


# %% [markdown]
# ## 2. 非极大值抑制 · Non-maximum suppression
#
# 反复取出得分最高的框，删去与它 IoU **大于** 阈值的框（等于阈值的保留），直到没有框为止。
# 按类别的 NMS 只在同一类别内互相抑制。
# Repeatedly keep the highest-scoring box and discard the boxes whose IoU with it is **greater
# than** the threshold (equal is kept). Batched NMS suppresses only within a class.

# %%
def nms(boxes, scores, iou_threshold):
    """Greedy non-maximum suppression.

    Args:
        boxes (Tensor[N, 4]): ``(x1, y1, x2, y2)``.
        scores (Tensor[N]): one score per box.
        iou_threshold (float): discard a box whose IoU with a kept, higher-scoring box is
            ``> iou_threshold``.

    Returns:
        LongTensor[K]: indices of the kept boxes, by decreasing score. Empty input gives an empty
        int64 tensor. Among equal scores either order is accepted (the tests use distinct ones).
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('nms')


def batched_nms(boxes, scores, idxs, iou_threshold):
    """Non-maximum suppression done independently per category.

    Args:
        boxes (Tensor[N, 4]), scores (Tensor[N]), idxs (LongTensor[N]): the category of each box;
            boxes of different categories never suppress each other.
        iou_threshold (float): as in :func:`nms`.

    Returns:
        LongTensor[K]: indices of the kept boxes, by decreasing score over all categories.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('batched_nms')


# %% [markdown]
# ## 3. 锚框 · Anchors
#
# 每个尺度 $s$ 与宽高比 $r = h / w$ 给出一个以原点为中心的锚框：$w = s / \sqrt r$，$h = s \sqrt r$
# （面积为 $s^2$）。顺序为“宽高比在外、尺度在内”，坐标四舍五入到整数像素（与 torchvision 的
# `AnchorGenerator` 相同）。再把这些基础锚框平移到特征图的每个位置 `(x * stride, y * stride)`。
# Each scale $s$ and aspect ratio $r = h / w$ gives one anchor centred on the origin with
# $w = s / \sqrt r$, $h = s \sqrt r$ (area $s^2$), ratio-major order, coordinates rounded to whole
# pixels, as torchvision's `AnchorGenerator`. They are then shifted to every feature-map position
# `(x * stride, y * stride)`.

# %%
def generate_anchors(scales, aspect_ratios):
    """Base anchors centred on (0, 0), one per (aspect ratio, scale) pair.

    Args:
        scales (sequence of float): anchor sizes ``s`` in pixels (the square root of the area).
        aspect_ratios (sequence of float): ratios ``r = height / width``, all positive.

    Returns:
        Tensor[len(aspect_ratios) * len(scales), 4]: float32 ``(-w/2, -h/2, w/2, h/2)`` rounded to
        integers (``torch.round``), ordered ratio-major: row ``i * len(scales) + j`` has ratio
        ``aspect_ratios[i]`` and scale ``scales[j]``.

    Raises:
        ValueError: when a scale or an aspect ratio is not positive.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('generate_anchors')


def grid_anchors(base_anchors, grid_size, stride):
    """Every base anchor at every position of a feature map.

    Args:
        base_anchors (Tensor[A, 4]): anchors centred on (0, 0), as :func:`generate_anchors` gives.
        grid_size (tuple[int, int]): feature map ``(height, width)``.
        stride (tuple[int, int]): pixels between positions ``(stride_y, stride_x)``.

    Returns:
        Tensor[height * width * A, 4]: on ``base_anchors``' device and dtype; position ``(y, x)``
        (row-major) shifts by ``(x * stride_x, y * stride_y)`` (the cell's top-left corner, as in
        torchvision); row ``(y * width + x) * A + a`` is base anchor ``a`` there.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('grid_anchors')


# %% [markdown]
# ## 4. 边框编码与解码 · Box encoding and decoding (Faster R-CNN)
#
# 以锚框（或候选框）$a$ 为参照，真实框 $g$ 编码为
# $t_x = w_x \frac{g_x - a_x}{a_w},\ t_y = w_y \frac{g_y - a_y}{a_h},\ t_w = w_w \log\frac{g_w}{a_w},\ t_h = w_h \log\frac{g_h}{a_h}$，
# 其中 $(\cdot_x, \cdot_y)$ 是中心，$(\cdot_w, \cdot_h)$ 是宽高，$(w_x, w_y, w_w, w_h)$ 是权重
# （Fast R-CNN 的检测头用 `(10, 10, 5, 5)`）。解码是它的逆运算；解码前把 $t_w/w_w$ 与 $t_h/w_h$
# 截断到不超过 `BBOX_XFORM_CLIP`，以免 `exp` 溢出。
# Relative to an anchor $a$, a ground-truth box $g$ encodes as above, with centres
# $(\cdot_x, \cdot_y)$, sizes $(\cdot_w, \cdot_h)$ and weights $(w_x, w_y, w_w, w_h)$. Decoding
# inverts it, after clamping $t_w/w_w$ and $t_h/w_h$ to at most `BBOX_XFORM_CLIP`.

# %%
def encode_boxes(gt_boxes, anchors, weights=(1.0, 1.0, 1.0, 1.0)):
    """Regression targets that turn each anchor into its ground-truth box.

    Args:
        gt_boxes (Tensor[N, 4]): the box each anchor should become, ``(x1, y1, x2, y2)``.
        anchors (Tensor[N, 4]): the reference boxes, with positive width and height.
        weights (tuple of 4 floats): ``(wx, wy, ww, wh)``.

    Returns:
        Tensor[N, 4]: ``(tx, ty, tw, th)`` per anchor.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('encode_boxes')


def decode_boxes(deltas, anchors, weights=(1.0, 1.0, 1.0, 1.0), clip=BBOX_XFORM_CLIP):
    """Apply regression deltas to anchors (the inverse of :func:`encode_boxes`).

    Args:
        deltas (Tensor[N, 4]): ``(tx, ty, tw, th)`` per anchor.
        anchors (Tensor[N, 4]): the reference boxes ``(x1, y1, x2, y2)``.
        weights (tuple of 4 floats): ``(wx, wy, ww, wh)``, as in :func:`encode_boxes`.
        clip (float): ``tw / ww`` and ``th / wh`` are clamped to at most ``clip`` before ``exp``.

    Returns:
        Tensor[N, 4]: the predicted boxes ``(x1, y1, x2, y2)``, in ``deltas``' dtype.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('decode_boxes')


# %% [markdown]
# ## 5. RoI Pooling 与 RoI Align
#
# 两者都把任意大小的感兴趣区域（RoI）变成固定大小 `(PH, PW)` 的特征。`rois` 的每一行是
# `(batch_index, x1, y1, x2, y2)`（图像坐标），乘以 `spatial_scale` 得到特征图坐标。
#
# - **RoI Pooling**（Fast R-CNN）会**量化**：把框的坐标四舍五入到整数格（0.5 远离 0 进位，与 C 的
#   `round` 相同），框宽取 `max(x2 - x1 + 1, 1)` 格（包含末格，沿用 Fast R-CNN 的约定），第 `p` 个
#   区间是 `[floor(p * roi_w / PW), ceil((p + 1) * roi_w / PW))` 再加上 `x1`，并截断到特征图内；每个
#   区间取最大值，空区间输出 0。
# - **RoI Align**（Mask R-CNN）**不量化**：`aligned=True` 时坐标先减去 0.5（像素中心在 `j + 0.5`），
#   每个区间取 `sampling_ratio × sampling_ratio` 个均匀分布的采样点（位于子区间的中心），用双线性
#   插值求值后取平均。采样点的坐标 `y` 超出 `[-1, H]` 时值为 0，否则先截断到 `[0, H - 1]` 再插值。
#
# Both turn a region of interest of any size into a fixed `(PH, PW)` feature. Each row of `rois`
# is `(batch_index, x1, y1, x2, y2)` in image coordinates; `spatial_scale` maps them to the feature
# map. **RoI pooling quantises**: it rounds the coordinates to whole cells (halves away from zero,
# as C's `round`), spans `max(x2 - x1 + 1, 1)` cells (the end cell included, Fast R-CNN's
# convention), bin `p` covers `[floor(p * roi_w / PW), ceil((p + 1) * roi_w / PW))` shifted by
# `x1` and clipped to the map; each bin takes its maximum, an empty bin gives 0. **RoI align does
# not quantise**: with `aligned=True` it first subtracts 0.5 (pixel centres sit at `j + 0.5`),
# averages `sampling_ratio x sampling_ratio` bilinear samples at the centres of each bin's sub-cells;
# a sample whose `y` lies outside `[-1, H]` counts as 0, otherwise `y` is clamped to `[0, H - 1]`.

# %%
def roi_pool(features, rois, output_size, spatial_scale=1.0):
    """Max-pool each region of interest into a fixed grid of bins (Fast R-CNN).

    Args:
        features (Tensor[N, C, H, W]): feature maps.
        rois (Tensor[K, 5]): ``(batch_index, x1, y1, x2, y2)`` in image coordinates.
        output_size (int or tuple[int, int]): ``(PH, PW)``.
        spatial_scale (float): feature-map cells per image pixel (1/16 for a stride-16 backbone).

    Returns:
        Tensor[K, C, PH, PW]: the maximum of each bin; 0 for a bin that is empty after clipping.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('roi_pool')


def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=2, aligned=True):
    """Average bilinear samples in each bin of each region of interest (Mask R-CNN).

    Args:
        features (Tensor[N, C, H, W]): feature maps.
        rois (Tensor[K, 5]): ``(batch_index, x1, y1, x2, y2)`` in image coordinates.
        output_size (int or tuple[int, int]): ``(PH, PW)``.
        spatial_scale (float): feature-map cells per image pixel.
        sampling_ratio (int): samples per bin along each axis (a positive integer here; torchvision
            also accepts -1, "adaptive", which this assignment leaves out).
        aligned (bool): subtract half a cell from the scaled coordinates (the pixel-centre
            convention). With ``aligned=False`` the RoI's width and height are at least 1 cell.

    Returns:
        Tensor[K, C, PH, PW].

    Raises:
        ValueError: when ``sampling_ratio`` is not a positive integer.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('roi_align')


# %% [markdown]
# ## 6. 候选框的训练目标 · Proposal target assignment (Faster R-CNN)
#
# 每个候选框匹配与它 IoU 最大的真实框（并列时取下标最小的）。IoU `>= fg_iou_thresh` 为前景，
# 标签是该真实框的类别（1 … C，0 留给背景）；IoU `< bg_iou_thresh` 为背景（标签 0）；介于两者之间的
# 忽略（标签 -1），不参与训练。
# Each proposal is matched to the ground-truth box it overlaps most (lowest index among ties).
# IoU `>= fg_iou_thresh`: foreground, labelled with that box's class (1 … C, 0 being background);
# IoU `< bg_iou_thresh`: background (label 0); in between: ignored (label -1).

# %%
def assign_targets(proposals, gt_boxes, gt_labels, fg_iou_thresh=0.5, bg_iou_thresh=0.5):
    """Label each proposal foreground, background or ignored, and find its ground-truth box.

    Args:
        proposals (Tensor[N, 4]), gt_boxes (Tensor[M, 4]): ``(x1, y1, x2, y2)``; ``M`` may be 0.
        gt_labels (LongTensor[M]): classes in ``1 … C``.
        fg_iou_thresh (float), bg_iou_thresh (float): ``bg_iou_thresh <= fg_iou_thresh``.

    Returns:
        (labels, matched_gt_boxes): ``labels`` (LongTensor[N]) class, 0 or -1 as above;
        ``matched_gt_boxes`` (Tensor[N, 4]) the box of each proposal's best-overlapping ground
        truth, whatever its label. With no ground truth every label is 0 and every box is zeros.

    Raises:
        ValueError: when ``bg_iou_thresh > fg_iou_thresh``.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('assign_targets')


# %% [markdown]
# ## 7. YOLO：目标编码、损失与解码 · YOLO: targets, loss and decoding
#
# 图像被划分为 `S × S` 个格子（每格 `cell = image_size / S` 像素），每格有 `A` 个锚框形状 `(w, h)`。
# 一个物体由其**中心**所在的格子（第 `i = floor(cy / cell)` 行、第 `j = floor(cx / cell)` 列，截断到
# `S - 1`）中、与它形状 IoU 最大的锚框负责（两个框都以原点为中心时的 IoU；并列取下标最小的）。
# 目标张量 `(S, S, A, 5 + C)` 在该位置写入
# `[1, cx / cell - j, cy / cell - i, log(w / anchor_w), log(h / anchor_h), one_hot(label)]`，其余为 0；
# 若某个位置已被之前的物体占用，后来的物体被丢弃（先到先得）。
#
# 网络输出 `pred` 的形状与目标相同：`[t_o, t_x, t_y, t_w, t_h, 类别 logits]`。损失（对批大小 N 取平均）：
#
# $L = \frac1N \Big[\lambda_{coord} \sum_{obj} \big((\sigma(t_x) - x)^2 + (\sigma(t_y) - y)^2 + (t_w - w)^2 + (t_h - h)^2\big)
#  + \sum_{obj} \mathrm{BCE}(t_o, 1) + \lambda_{noobj} \sum_{noobj} \mathrm{BCE}(t_o, 0) + \sum_{obj} \mathrm{CE}(\text{logits}, \text{label})\Big]$
#
# 其中 obj 是目标中 objectness 为 1 的位置，noobj 是其余位置，BCE 作用于 logits。
#
# The image is a grid of `S x S` cells of `cell = image_size / S` pixels with `A` anchor shapes
# `(w, h)` per cell. An object belongs to the cell holding its **centre** (row `i = floor(cy /
# cell)`, column `j = floor(cx / cell)`, clamped to `S - 1`) and, there, to the anchor whose shape
# overlaps it most (IoU of the two boxes centred on the origin; lowest index among ties). The
# target `(S, S, A, 5 + C)` holds `[1, cx / cell - j, cy / cell - i, log(w / anchor_w),
# log(h / anchor_h), one_hot(label)]` there and zeros elsewhere; an object whose slot is already
# taken by an earlier object is dropped (first come, first served). Predictions have the same
# layout, `[t_o, t_x, t_y, t_w, t_h, class logits]`; the loss is the formula above, where obj are
# the slots whose target objectness is 1, noobj the others, and BCE takes logits.

# %%
def encode_yolo_targets(boxes, labels, anchors, grid_size, image_size, num_classes):
    """The YOLO training target of one image.

    Args:
        boxes (Tensor[M, 4]): ``(x1, y1, x2, y2)`` in pixels; ``M`` may be 0.
        labels (LongTensor[M]): classes in ``0 … num_classes - 1``.
        anchors (Tensor[A, 2]): anchor shapes ``(w, h)`` in pixels.
        grid_size (int): ``S``. image_size (int): the image's side in pixels.
        num_classes (int): ``C``.

    Returns:
        Tensor[S, S, A, 5 + C]: in ``boxes``' dtype, laid out as described above.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('encode_yolo_targets')


def yolo_loss(pred, target, lambda_coord=5.0, lambda_noobj=0.5):
    """The YOLO loss above, summed over slots and averaged over the batch.

    Args:
        pred (Tensor[N, S, S, A, 5 + C]): raw network outputs.
        target (Tensor[N, S, S, A, 5 + C]): stacked :func:`encode_yolo_targets`.
        lambda_coord (float), lambda_noobj (float): the weights of the formula.

    Returns:
        Tensor: a scalar.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('yolo_loss')


def decode_yolo(pred, anchors, image_size):
    """Boxes, scores and classes from raw YOLO outputs, one per (cell, anchor) slot.

    Args:
        pred (Tensor[N, S, S, A, 5 + C]): raw outputs.
        anchors (Tensor[A, 2]): anchor shapes ``(w, h)`` in pixels.
        image_size (int): the image's side in pixels.

    Returns:
        (boxes, scores, labels): ``boxes`` (Tensor[N, S*S*A, 4]) ``(x1, y1, x2, y2)`` in pixels with
        centre ``((j + sigmoid(t_x)) * cell, (i + sigmoid(t_y)) * cell)`` and size
        ``(anchor_w * exp(t_w), anchor_h * exp(t_h))``; ``scores`` (Tensor[N, S*S*A])
        ``sigmoid(t_o)`` times the largest class probability (softmax); ``labels``
        (LongTensor[N, S*S*A]) that class. Slots are flattened in ``(i, j, a)`` order.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('decode_yolo')


# %% [markdown]
# ## 8. SSD：默认框与难负样本挖掘 · SSD: default boxes and hard-negative mining
#
# 一张 `f × f` 的特征图上，每个格子中心 `((j + 0.5) / f, (i + 0.5) / f)` 放置若干默认框（坐标相对图像
# 边长，格式 `(cx, cy, w, h)`）：尺度 `s` 的正方形、尺度 `sqrt(s * s_next)` 的正方形，以及每个宽高比
# `r`（SSD 中 `r = w / h`）的一对 `(s √r, s / √r)` 与 `(s / √r, s √r)`。`clip=True` 时把宽高截断到
# `[0, 1]`（与 torchvision 的 `DefaultBoxGenerator` 相同）。
#
# 训练 SSD 时负样本远多于正样本：每张图只保留分类损失最大的 `neg_pos_ratio × 正样本数` 个负样本。
#
# On an `f x f` feature map, each cell centre `((j + 0.5) / f, (i + 0.5) / f)` gets default boxes
# `(cx, cy, w, h)` relative to the image side: a square of scale `s`, a square of scale
# `sqrt(s * s_next)`, and for each aspect ratio `r` (in SSD `r = w / h`) the pair `(s √r, s / √r)`,
# `(s / √r, s √r)`; `clip=True` clamps widths and heights to `[0, 1]`, as torchvision's
# `DefaultBoxGenerator`. Training keeps, per image, only the `neg_pos_ratio x num_positives`
# negatives with the highest classification loss.

# %%
def ssd_default_boxes(feature_size, scale, next_scale, aspect_ratios, clip=True):
    """SSD's default boxes for one square feature map.

    Args:
        feature_size (int): ``f``, the feature map's side.
        scale (float): ``s``, this map's box scale relative to the image. next_scale (float): the
            next map's scale ``s_next``.
        aspect_ratios (sequence of float): ratios ``r = w / h`` (besides 1), all positive.
        clip (bool): clamp widths and heights to [0, 1].

    Returns:
        Tensor[f * f * (2 + 2 * len(aspect_ratios)), 4]: float32 ``(cx, cy, w, h)``; cells
        row-major, and in each cell the boxes in the order listed above.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('ssd_default_boxes')


def hard_negative_mining(conf_loss, positive_mask, neg_pos_ratio=3):
    """Choose, per image, the negatives with the highest classification loss.

    Args:
        conf_loss (Tensor[N, P]): classification loss of each default box of each image.
        positive_mask (BoolTensor[N, P]): True for boxes matched to an object.
        neg_pos_ratio (int): negatives kept per positive.

    Returns:
        BoolTensor[N, P]: True for the ``min(neg_pos_ratio * num_positives, num_negatives)``
        negatives of each image with the largest loss; never True on a positive. An image without
        positives keeps no negative. (Losses are distinct in the tests.)
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('hard_negative_mining')


# %% [markdown]
# ## 9. 评估：VOC 的 AP 与 mAP · Evaluation: VOC AP and mAP
#
# 按得分从高到低处理某一类别的检测框：它与同一图像中 IoU 最大的同类真实框匹配；若 IoU `>=` 阈值且
# 该真实框尚未被匹配，则为 TP，否则（包括最佳真实框已被占用）为 FP。由累计的 TP/FP 得到
# precision-recall 曲线；AP 是**精度包络**（每个召回率处取其右侧的最大精度）下的面积（VOC2010 起的
# 全点插值）。mAP 是所有**有真实框**的类别的 AP 均值。
# Process one class's detections by decreasing score: each is matched with the same-class
# ground-truth box of its image it overlaps most; it is a TP when that IoU is `>=` the threshold
# and the box is not yet taken, else an FP (also when its best box is taken). Cumulative TP/FP give
# the precision-recall curve; AP is the area under its **precision envelope** (at each recall, the
# best precision at that recall or beyond; VOC2010+ all-point interpolation). mAP averages AP over
# the classes that have ground truth.

# %%
def average_precision(recall, precision):
    """Area under the precision envelope of one precision-recall curve (VOC2010+).

    Args:
        recall (Tensor[D]): non-decreasing recalls after each detection (by decreasing score).
        precision (Tensor[D]): the precisions there.

    Returns:
        Tensor: a 0-d tensor in ``precision``'s dtype. The curve is padded with ``(0, 0)`` on the
        left and ``(1, 0)`` on the right; ``D = 0`` gives 0.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('average_precision')


def match_detections(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    """VOC's greedy matching of one image's detections of one class to its ground truth.

    Args:
        pred_boxes (Tensor[D, 4]), pred_scores (Tensor[D]): the detections.
        gt_boxes (Tensor[M, 4]): the ground-truth boxes of that class in that image.
        iou_threshold (float): the IoU a TP needs at least.

    Returns:
        BoolTensor[D]: ``True`` for true positives, in the detections' input order (matching is
        decided by decreasing score).
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('match_detections')


def mean_average_precision(detections, ground_truths, num_classes, iou_threshold=0.5):
    """VOC mAP over a set of images.

    Args:
        detections (list of dict): per image, ``{"boxes": Tensor[D, 4], "scores": Tensor[D],
            "labels": LongTensor[D]}``.
        ground_truths (list of dict): per image, ``{"boxes": Tensor[M, 4], "labels": LongTensor[M]}``.
        num_classes (int): labels are in ``0 … num_classes - 1``.
        iou_threshold (float): as in :func:`match_detections`.

    Returns:
        (map, ap): ``map`` (float) the mean of the classes' APs that have ground truth (NaN when no
        class has any); ``ap`` (list of ``num_classes`` floats) each class's AP, NaN for a class with
        no ground-truth box (0 for a class with ground truth but no detection).
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('mean_average_precision')


# %% [markdown]
# ## 10. 一个小型单阶段检测器 · A tiny one-stage detector
#
# 三层步长为 2 的卷积把 64×64 的图像变成 8×8 的网格，1×1 卷积的检测头为每个格子的每个锚框输出
# `5 + C` 个数。`forward` 要把头部的输出 `(N, A * (5 + C), S, S)`（第 `a * (5 + C) + k` 个通道是
# 锚框 `a` 的第 `k` 个数）整理成 `(N, S, S, A, 5 + C)`。然后用 `encode_yolo_targets` 与 `yolo_loss`
# 训练它，用 `decode_yolo` 与 `batched_nms` 得到检测结果。评分时在没见过的图像上计算 mAP@0.5。
# Three stride-2 convolutions turn a 64x64 image into an 8x8 grid; a 1x1 convolution head outputs
# `5 + C` numbers per anchor per cell. `forward` rearranges the head's `(N, A * (5 + C), S, S)`
# (channel `a * (5 + C) + k` is number `k` of anchor `a`) into `(N, S, S, A, 5 + C)`. Train it with
# `encode_yolo_targets` and `yolo_loss`; detect with `decode_yolo` and `batched_nms`. The grade
# computes mAP@0.5 on unseen images.

# %%
def conv_bn_relu(in_channels, out_channels, stride):
    """A 3x3 convolution, batch normalisation and ReLU (the convolution's bias is redundant before BN)."""
    return [nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False),
            nn.BatchNorm2d(out_channels), nn.ReLU()]


class TinyDetector(nn.Module):
    """A YOLO-style detector: a small convolutional backbone and a 1x1 convolution head."""

    def __init__(self, num_classes=3, anchors=ANCHORS, width=16):
        super().__init__()
        self.num_classes = num_classes
        self.register_buffer("anchors", torch.tensor(anchors, dtype=torch.float32))  # (A, 2)
        self.backbone = nn.Sequential(
            *conv_bn_relu(3, width, stride=2),                # (N, w, 32, 32)
            *conv_bn_relu(width, 2 * width, stride=2),        # (N, 2w, 16, 16)
            *conv_bn_relu(2 * width, 2 * width, stride=2),    # (N, 2w, 8, 8)
            *conv_bn_relu(2 * width, 2 * width, stride=1),    # (N, 2w, 8, 8)
        )
        self.head = nn.Conv2d(2 * width, len(anchors) * (5 + num_classes), 1)

    def forward(self, images):
        """images (Tensor[N, 3, H, W]) -> raw predictions (Tensor[N, H/8, W/8, A, 5 + C])."""
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('forward')


def train_detector(images, targets, num_steps=500, batch_size=16, lr=4e-3):
    """Train a :class:`TinyDetector` with Adam on the YOLO loss.

    Args:
        images (Tensor[N, 3, 64, 64]): shapes-world canvases.
        targets (list of N dicts): ``{"boxes": Tensor[M, 4], "labels": LongTensor[M]}`` with labels in
            ``0 … 2`` (circle, square, triangle).
        num_steps (int), batch_size (int), lr (float): the optimisation budget.

    Returns:
        (model, losses): the trained model (in eval mode) and the list of minibatch losses
        (Python floats), one per step.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('train_detector')


def detect(model, images, score_threshold=0.05, iou_threshold=0.5):
    """Detections of a trained :class:`TinyDetector`, after per-class NMS.

    Args:
        model (TinyDetector), images (Tensor[N, 3, H, W]).
        score_threshold (float): drop slots whose score is not above it.
        iou_threshold (float): for :func:`batched_nms`.

    Returns:
        list of N dicts: ``{"boxes": Tensor[D, 4], "scores": Tensor[D], "labels": LongTensor[D]}``,
        by decreasing score.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('detect')
