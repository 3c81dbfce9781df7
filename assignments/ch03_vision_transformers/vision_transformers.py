# %% [markdown]
# # 第 3 章 计算机视觉中的 Transformer · Chapter 3: Transformers for computer vision
#
# 在本作业中，你将从零实现三种视觉 Transformer 的核心部件：
# **ViT**（图像分块、块嵌入、类别 token、位置编码、分类头，并在 8x8 手写数字上训练一个小 ViT）、
# **Swin Transformer**（窗口划分与还原、相对位置索引、移位窗口注意力掩码、窗口注意力、块合并）和
# **DETR**（框格式转换、广义 IoU、匈牙利匹配的代价矩阵与匹配、集合损失）。
#
# In this assignment you build the core pieces of three vision Transformers from scratch:
# **ViT** (cutting images into patches, patch embedding, class token, position embeddings,
# classifier head, and training a small ViT on 8x8 handwritten digits), **Swin Transformer**
# (window partition and reverse, relative position index, shifted-window attention mask, window
# attention, patch merging) and **DETR** (box conversions, generalized IoU, the Hungarian matching
# cost and matching, and the set loss).
#
# 只修改 `TODO` 处的代码；函数名、参数名和子模块名必须与说明一致。
# Change only the code marked `TODO`; keep every function, parameter and submodule name as given.

# %%
import math

import torch
import torch.nn.functional as F
from scipy.optimize import linear_sum_assignment
from torch import nn


# %% [markdown]
# ## 1. ViT：把图像切成块 · ViT: cutting an image into patches
#
# ViT 把一张 H×W 的图像看成 N = (H/p)(W/p) 个 p×p 小块组成的“句子”。块按行优先顺序编号（从左到右、
# 从上到下）；每个块按 (C, p, p) 的顺序展平——与 `Conv2d` 权重 `.flatten(1)` 的顺序相同，
# 因此“分块 + 线性层”与“步长为 p 的卷积”完全等价。
#
# ViT reads an H×W image as a "sentence" of N = (H/p)(W/p) patches of p×p pixels. Patches are
# numbered row by row (left to right, then top to bottom); each is flattened in (C, p, p) order,
# the order of a `Conv2d` weight's `.flatten(1)`, so "patchify, then a linear layer" is exactly a
# convolution with stride p.

# %%
def patchify(images, patch_size):
    """Cut images into non-overlapping square patches and flatten each one.

    Args:
        images (Tensor[B, C, H, W]): H and W are multiples of ``patch_size``.
        patch_size (int): the side p of a square patch.

    Returns:
        Tensor[B, N, C * p * p] with N = (H / p) * (W / p): patch n = r * (W / p) + c is the one in
        patch row r and patch column c; its pixels are flattened channel first, then row, then
        column (``x[b, :, r*p:(r+1)*p, c*p:(c+1)*p].flatten()``).

    Raises:
        ValueError: when H or W is not a multiple of ``patch_size``.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('patchify')


# %% [markdown]
# ## 2. 块嵌入 · Patch embedding
#
# 每个块经过同一个线性映射得到 D 维向量。用 `Conv2d(kernel_size=p, stride=p)` 实现最简洁。
# Every patch goes through the same linear map to D dimensions; a `Conv2d(kernel_size=p,
# stride=p)` does exactly that.

# %%
class PatchEmbedding(nn.Module):
    """Linear embedding of every p×p patch of a square image.

    Submodules: ``proj`` = Conv2d(in_channels, embed_dim, kernel_size=patch_size,
    stride=patch_size). Attribute ``num_patches`` = (image_size // patch_size) ** 2.

    Raises:
        ValueError: when ``image_size`` is not a multiple of ``patch_size``.
    """

    def __init__(self, image_size, patch_size, in_channels, embed_dim):
        super().__init__()
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('__init__')

    def forward(self, images):
        """images (Tensor[B, C, image_size, image_size]) -> Tensor[B, N, embed_dim], patches in
        the order of :func:`patchify`."""
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('forward')


# %% [markdown]
# ## 3. 视觉 Transformer · The Vision Transformer (ViT)
#
# $z_0 = [x_\text{cls};\ x_1 E;\ \dots;\ x_N E] + E_\text{pos}$，经过 L 个 Transformer 编码器层
# （Pre-LN），最后 $y = \mathrm{head}(\mathrm{LN}(z_L^0))$：分类只看类别 token（第 0 个位置）。
#
# $z_0 = [x_\text{cls};\ x_1 E;\ \dots;\ x_N E] + E_\text{pos}$, then L Transformer encoder layers
# (Pre-LN), then $y = \mathrm{head}(\mathrm{LN}(z_L^0))$: the classifier reads the class token
# (position 0) only.

# %%
class ViT(nn.Module):
    """A Vision Transformer classifier for square images.

    Submodules and parameters (names are part of the assignment):

    - ``patch_embed`` = PatchEmbedding(image_size, patch_size, in_channels, embed_dim);
    - ``cls_token``: Parameter[1, 1, embed_dim]; ``pos_embed``: Parameter[1, N + 1, embed_dim]
      (position 0 belongs to the class token);
    - ``blocks`` = ModuleList of ``depth`` × nn.TransformerEncoderLayer(embed_dim, num_heads,
      dim_feedforward=int(mlp_ratio * embed_dim), dropout=dropout, activation="gelu",
      batch_first=True, norm_first=True);
    - ``norm`` = LayerNorm(embed_dim); ``head`` = Linear(embed_dim, num_classes).
    """

    def __init__(self, image_size, patch_size, in_channels, num_classes, embed_dim=64, depth=2, num_heads=4,
                 mlp_ratio=2.0, dropout=0.0):
        super().__init__()
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('__init__')

    def forward(self, images):
        """images (Tensor[B, in_channels, image_size, image_size]) -> logits (Tensor[B, num_classes])."""
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('forward')


# %% [markdown]
# ## 4. 在手写数字上训练 ViT · Training a tiny ViT on handwritten digits
#
# `coursedata.digits()` 给出 8x8 灰度数字图像。训练一个小 ViT（例如块大小 4 或 2），使它在没见过的
# 图像上达到至少 90% 的准确率，且在评分机器上训练不超过 60 秒（单线程）。
# `coursedata.digits()` gives 8x8 grey digits. Train a small ViT (patch size 4 or 2, say) that
# classifies at least 90% of unseen images correctly, within 60 seconds of training on one CPU
# thread of the grading machine.

# %%
def train_vit(images, labels, num_steps=300, batch_size=64, lr=3e-3):
    """Build a :class:`ViT` for these images and train it with minibatches and cross-entropy.

    Args:
        images (Tensor[N, C, S, S]) in [0, 1], labels (LongTensor[N]) in [0, num_classes).
        num_steps (int): optimizer steps; batch_size (int); lr (float): learning rate.

    Returns:
        (model, losses): the trained model in eval mode, whose ``model(x)`` gives logits
        (Tensor[M, num_classes]), and the list of minibatch losses (Python floats), one per step.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('train_vit')


# %% [markdown]
# ## 5. Swin：窗口划分与还原 · Swin: window partition and reverse
#
# Swin 在 M×M 的局部窗口内做自注意力，代价与图像大小成线性关系。特征图使用 (B, H, W, C) 布局。
# 窗口按行优先顺序排列（先第一张图的所有窗口，再第二张图……）。
#
# Swin computes self-attention inside local M×M windows, so the cost grows linearly with the
# image size. Feature maps are laid out (B, H, W, C). Windows are ordered row by row over the
# window grid, all windows of the first image first, then those of the second, and so on.

# %%
def window_partition(x, window_size):
    """Cut a feature map into non-overlapping square windows.

    Args:
        x (Tensor[B, H, W, C]): H and W are multiples of ``window_size``.
        window_size (int): the side M of a window.

    Returns:
        Tensor[B * nW, M, M, C] with nW = (H / M) * (W / M): window b * nW + r * (W / M) + c is
        ``x[b, r*M:(r+1)*M, c*M:(c+1)*M, :]``.

    Raises:
        ValueError: when H or W is not a multiple of ``window_size``.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('window_partition')


def window_reverse(windows, window_size, H, W):
    """Put windows back together: the inverse of :func:`window_partition`.

    Args:
        windows (Tensor[B * nW, M, M, C]), window_size (int): M; H, W (int): the map's size.

    Returns:
        Tensor[B, H, W, C] with ``window_reverse(window_partition(x, M), M, H, W) == x``.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('window_reverse')


# %% [markdown]
# ## 6. 相对位置索引 · Relative position index
#
# 窗口内第 i 个 token 位于 $(y_i, x_i) = (i // M, i \% M)$。相对位移 $(\Delta y, \Delta x) = (y_i - y_j, x_i - x_j)$
# 的取值范围是 $[-(M-1), M-1]^2$，共 $(2M-1)^2$ 种；索引为
# $(\Delta y + M - 1)(2M - 1) + (\Delta x + M - 1)$，用来在可学习的偏置表中查找。
#
# Token i of a window sits at $(y_i, x_i) = (i // M, i \% M)$. The offset $(\Delta y, \Delta x) =
# (y_i - y_j, x_i - x_j)$ takes $(2M-1)^2$ values in $[-(M-1), M-1]^2$; its index
# $(\Delta y + M - 1)(2M - 1) + (\Delta x + M - 1)$ looks up a learned bias table.

# %%
def relative_position_index(window_size):
    """Index into the (2M-1)^2-row relative position bias table, for every pair of tokens.

    Args:
        window_size (int): M.

    Returns:
        LongTensor[M*M, M*M]: entry (i, j) is (y_i - y_j + M - 1) * (2M - 1) + (x_i - x_j + M - 1),
        with (y_i, x_i) = (i // M, i % M). Values lie in [0, (2M-1)^2); the diagonal is the centre
        of the table, (M - 1) * (2M - 1) + (M - 1).
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('relative_position_index')


# %% [markdown]
# ## 7. 移位窗口注意力掩码 · The shifted-window attention mask
#
# 移位窗口先把特征图循环移位 `torch.roll(x, (-s, -s), dims=(1, 2))`，再划分窗口。于是最后 s 行
# （或 s 列）里放的是从顶部（左边）绕过来的 token：它们在原图中并不与同一窗口里的其他 token 相邻，
# 不能互相关注。掩码中 True 表示“可以关注”。
#
# A shifted window first rolls the map, `torch.roll(x, (-s, -s), dims=(1, 2))`, then partitions
# it. The last s rows (columns) then hold tokens that wrapped around from the top (left): they are
# not neighbours of the other tokens of their window in the original image and must not attend
# to them. In the mask, True means "may attend".

# %%
def shifted_window_mask(H, W, window_size, shift_size):
    """Which tokens of each shifted window may attend to each other.

    After ``torch.roll(x, (-s, -s), dims=(1, 2))``, two tokens of the same window may attend to
    each other when they come from the same side of the wrap along y *and* along x. With
    ``shift_size = 0`` nothing wraps and every entry is True.

    Args:
        H, W (int): the map's size, multiples of ``window_size``.
        window_size (int): M. shift_size (int): s, with 0 <= s < M.

    Returns:
        BoolTensor[nW, M*M, M*M] (on the CPU), windows in the order of :func:`window_partition`,
        tokens in row-major order inside a window. Symmetric, with a True diagonal.

    Raises:
        ValueError: when s is not in [0, M), or H or W is not a multiple of M.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('shifted_window_mask')


# %% [markdown]
# ## 8. 窗口注意力 · Window attention with relative position bias
#
# $\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(QK^\top/\sqrt{d} + B\right)V$，其中
# $B_{h,i,j} = \text{table}[\text{index}_{ij}, h]$。`qkv` 的输出依次是 q、k、v（各 `dim` 维）；
# 第 h 个头使用每部分的第 `h*d:(h+1)*d` 个特征（与 torchvision 的 Swin 相同）。
#
# $\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(QK^\top/\sqrt{d} + B\right)V$ with
# $B_{h,i,j} = \text{table}[\text{index}_{ij}, h]$. The output of `qkv` is q, k, v (`dim` features
# each); head h uses features `h*d:(h+1)*d` of each, as torchvision's Swin does.

# %%
class WindowAttention(nn.Module):
    """Multi-head self-attention inside windows, with a learned relative position bias.

    Submodules and parameters: ``qkv`` = Linear(dim, 3 * dim), ``proj`` = Linear(dim, dim),
    ``relative_position_bias_table`` = Parameter[(2M - 1)^2, num_heads]. The relative position
    index is not learned and is not part of the ``state_dict`` (keep it in a buffer registered
    with ``persistent=False``, or compute it in ``forward``).

    Raises:
        ValueError: when ``dim`` is not divisible by ``num_heads``.
    """

    def __init__(self, dim, window_size, num_heads):
        super().__init__()
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('__init__')

    def forward(self, windows, mask=None):
        """
        Args:
            windows (Tensor[B * nW, N, dim]): N = M * M tokens per window, in row-major order.
            mask (BoolTensor[nW, N, N], optional): True where token i may attend to token j; the
                same nW masks apply to the windows of every image (window b * nW + w uses mask w).

        Returns:
            Tensor[B * nW, N, dim].
        """
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('forward')


# %% [markdown]
# ## 9. (移位)窗口多头自注意力 · (Shifted) window multi-head self-attention: W-MSA and SW-MSA
#
# 循环移位 → 划分窗口 → 带掩码的窗口注意力 → 还原窗口 → 反向移位。`shift_size = 0` 即普通的 W-MSA。
# Roll → partition → masked window attention → reverse → roll back. `shift_size = 0` is plain W-MSA.

# %%
class ShiftedWindowAttention(nn.Module):
    """W-MSA (``shift_size = 0``) or SW-MSA (``0 < shift_size < window_size``) on a (B, H, W, C) map.

    Submodule: ``attn`` = WindowAttention(dim, window_size, num_heads).

    Raises:
        ValueError: when ``shift_size`` is not in [0, window_size).
    """

    def __init__(self, dim, window_size, shift_size, num_heads):
        super().__init__()
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('__init__')

    def forward(self, x):
        """x (Tensor[B, H, W, dim]), H and W multiples of window_size -> Tensor[B, H, W, dim]."""
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('forward')


# %% [markdown]
# ## 10. 块合并 · Patch merging
#
# 分层结构的“下采样”：每个 2×2 邻域的 4 个 token 拼接成 4C 维，经过 LayerNorm 后线性映射到 2C 维。
# 拼接顺序与 Swin 原文和 torchvision 相同：`x[0::2, 0::2]`、`x[1::2, 0::2]`、`x[0::2, 1::2]`、`x[1::2, 1::2]`。
#
# The "down-sampling" of the hierarchy: the 4 tokens of each 2×2 neighbourhood are concatenated
# to 4C features, normalised, and mapped to 2C. The order is that of the Swin paper's code and
# torchvision: `x[0::2, 0::2]`, `x[1::2, 0::2]`, `x[0::2, 1::2]`, `x[1::2, 1::2]`.

# %%
class PatchMerging(nn.Module):
    """Halve the resolution and double the channels of a (B, H, W, C) map.

    Submodules: ``norm`` = LayerNorm(4 * dim), ``reduction`` = Linear(4 * dim, 2 * dim, bias=False);
    the norm comes first (Swin v1).

    Raises:
        ValueError: in ``forward``, when H or W is odd.
    """

    def __init__(self, dim):
        super().__init__()
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('__init__')

    def forward(self, x):
        """x (Tensor[B, H, W, dim]) -> Tensor[B, H/2, W/2, 2*dim]."""
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('forward')


# %% [markdown]
# ## 11. DETR：框格式转换 · DETR: box formats
#
# DETR 预测归一化的 (cx, cy, w, h)；计算 IoU 需要 (x1, y1, x2, y2)。
# DETR predicts normalised (cx, cy, w, h); IoU needs corners (x1, y1, x2, y2).

# %%
def box_cxcywh_to_xyxy(boxes):
    """(cx, cy, w, h) -> (x1, y1, x2, y2) = (cx - w/2, cy - h/2, cx + w/2, cy + h/2).

    Args:
        boxes (Tensor[..., 4]): any number of leading dimensions, possibly zero boxes.

    Returns:
        Tensor[..., 4], same shape and dtype.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('box_cxcywh_to_xyxy')


def box_xyxy_to_cxcywh(boxes):
    """(x1, y1, x2, y2) -> (cx, cy, w, h) = ((x1 + x2)/2, (y1 + y2)/2, x2 - x1, y2 - y1).

    Args:
        boxes (Tensor[..., 4]).

    Returns:
        Tensor[..., 4], same shape and dtype.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('box_xyxy_to_cxcywh')


# %% [markdown]
# ## 12. 广义 IoU · Generalized IoU
#
# $\mathrm{GIoU}(A, B) = \mathrm{IoU}(A, B) - \frac{|C \setminus (A \cup B)|}{|C|}$，C 是同时包住 A 和 B
# 的最小框。它在 [-1, 1] 之间；两个框不相交时仍然有梯度，这正是 DETR 用它做损失的原因。
#
# $\mathrm{GIoU}(A, B) = \mathrm{IoU}(A, B) - \frac{|C \setminus (A \cup B)|}{|C|}$ where C is the
# smallest box enclosing both. It lies in [-1, 1] and still has a gradient when the boxes do not
# overlap, which is why DETR uses it as a loss.

# %%
def generalized_box_iou(boxes1, boxes2):
    """Pairwise generalized IoU of two sets of boxes in (x1, y1, x2, y2) format.

    Boxes must satisfy ``x1 <= x2`` and ``y1 <= y2``; zero-width or zero-height boxes are allowed
    (a pair of two zero-area boxes has an empty union and gives NaN, as in torchvision).

    Args:
        boxes1 (Tensor[N, 4]), boxes2 (Tensor[M, 4]): N or M may be 0.

    Returns:
        Tensor[N, M]: entry (i, j) is GIoU(boxes1[i], boxes2[j]), in [-1, 1].

    Raises:
        ValueError: when a box has x2 < x1 or y2 < y1 (the message shows one such box).
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('generalized_box_iou')


# %% [markdown]
# ## 13. 匈牙利匹配的代价矩阵 · The matching cost
#
# DETR 预测固定数量 Q 个对象，用二分图匹配为每个真实目标找一个预测。预测 i 与目标 j 的代价：
# $C_{ij} = \lambda_\text{bbox}\lVert b_i - b_j \rVert_1 - \lambda_\text{class}\,\hat p_i(c_j) - \lambda_\text{giou}\,\mathrm{GIoU}(b_i, b_j)$，
# 其中 $\hat p_i$ 是对 K+1 个类别（最后一个是“无对象”）的 softmax，L1 距离在 (cx, cy, w, h) 上计算，GIoU 在 (x1, y1, x2, y2) 上计算。
#
# DETR predicts a fixed number Q of objects and uses bipartite matching to give every ground-truth
# object one prediction. The cost of prediction i for target j is
# $C_{ij} = \lambda_\text{bbox}\lVert b_i - b_j \rVert_1 - \lambda_\text{class}\,\hat p_i(c_j) - \lambda_\text{giou}\,\mathrm{GIoU}(b_i, b_j)$,
# where $\hat p_i$ is the softmax over K+1 classes (the last one is "no object"), the L1 distance
# is taken on (cx, cy, w, h) and GIoU on (x1, y1, x2, y2).

# %%
def match_cost(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class=1.0, cost_bbox=5.0, cost_giou=2.0):
    """The DETR matching cost between the Q predictions and the T targets of one image.

    Args:
        pred_logits (Tensor[Q, K + 1]): class logits, the last class being "no object".
        pred_boxes (Tensor[Q, 4]): (cx, cy, w, h), normalised to [0, 1].
        tgt_labels (LongTensor[T]) in [0, K); tgt_boxes (Tensor[T, 4]): (cx, cy, w, h). T may be 0.
        cost_class, cost_bbox, cost_giou (float): the weights λ.

    Returns:
        Tensor[Q, T]: C[i, j] = cost_bbox * L1(pred_boxes[i], tgt_boxes[j])
        - cost_class * softmax(pred_logits[i])[tgt_labels[j]] - cost_giou * GIoU(i, j).
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('match_cost')


# %% [markdown]
# ## 14. 匈牙利匹配 · Hungarian matching
#
# 对每张图像求代价矩阵，再求总代价最小的一一匹配：可以调用 `scipy.optimize.linear_sum_assignment`，
# 也可以自己实现匈牙利算法。匹配本身不需要梯度。
# For each image, build the cost matrix and find the one-to-one assignment of least total cost:
# call `scipy.optimize.linear_sum_assignment`, or write the Hungarian algorithm yourself. The
# matching needs no gradient.

# %%
def hungarian_match(pred_logits, pred_boxes, targets, cost_class=1.0, cost_bbox=5.0, cost_giou=2.0):
    """Match each image's targets to predictions with the least total :func:`match_cost`.

    Args:
        pred_logits (Tensor[B, Q, K + 1]), pred_boxes (Tensor[B, Q, 4]) in (cx, cy, w, h).
        targets (list of B dicts): ``{"labels": LongTensor[T_b], "boxes": Tensor[T_b, 4]}``,
            boxes in (cx, cy, w, h), with T_b <= Q (T_b may be 0).
        cost_class, cost_bbox, cost_giou (float): weights of :func:`match_cost`.

    Returns:
        list of B pairs ``(pred_idx, tgt_idx)``, each a LongTensor[T_b] on the CPU: prediction
        ``pred_idx[k]`` is matched to target ``tgt_idx[k]``; ``pred_idx`` is sorted increasingly.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('hungarian_match')


# %% [markdown]
# ## 15. 集合损失 · The set loss
#
# 匹配之后：(1) 分类损失——所有 Q 个预测做交叉熵，未匹配的预测的目标是“无对象”类（下标 K），其权重为
# `eos_coef`（按 `F.cross_entropy(weight=...)` 的加权平均，即除以权重之和）；(2) 匹配上的框的 L1 损失和
# (3) GIoU 损失 $1 - \mathrm{GIoU}$，二者都对所有坐标/框求和后除以整个批次的目标数（至少为 1）。
#
# After matching: (1) classification, the cross-entropy over all Q predictions, where unmatched
# predictions have the "no object" class (index K) as target, weighted by `eos_coef` (the
# weighted mean of `F.cross_entropy(weight=...)`, divided by the sum of the weights); (2) the L1
# loss of the matched boxes and (3) the GIoU loss $1 - \mathrm{GIoU}$, both summed over
# coordinates / boxes and divided by the number of targets in the whole batch (at least 1).

# %%
def set_loss(pred_logits, pred_boxes, targets, indices, eos_coef=0.1):
    """DETR's Hungarian set loss, given the matching.

    Args:
        pred_logits (Tensor[B, Q, K + 1]), pred_boxes (Tensor[B, Q, 4]) in (cx, cy, w, h).
        targets (list of B dicts): ``{"labels": LongTensor[T_b], "boxes": Tensor[T_b, 4]}``.
        indices (list of B pairs): ``(pred_idx, tgt_idx)`` as returned by :func:`hungarian_match`.
        eos_coef (float): weight of the "no object" class in the cross-entropy.

    Returns:
        dict of scalar tensors: ``"loss_ce"`` (weighted mean cross-entropy over all B*Q
        predictions), ``"loss_bbox"`` (sum of |b̂ - b| over matched boxes and coordinates, divided
        by num_boxes), ``"loss_giou"`` (sum of 1 - GIoU over matched pairs, divided by num_boxes),
        with num_boxes = max(total number of targets in the batch, 1).
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('set_loss')
