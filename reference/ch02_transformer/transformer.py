# %% [markdown]
# # 第 2 章 自然语言处理中的 Transformer · Chapter 2: The Transformer in NLP
#
# 在本作业中，你将从零搭建 Transformer 的每个部件：正弦位置编码、层归一化、逐位置前馈网络、
# 多头注意力、填充掩码与因果掩码、编码器层与解码器层（Post-LN 与 Pre-LN 两种结构）、标签平滑损失；
# 然后实现 BERT 的输入表示、掩码语言模型（MLM）的 80/10/10 掩码规则和下一句预测（NSP）样本，
# 以及 GPT 的因果块、自回归生成（贪心、温度、top-k 采样），最后在莎士比亚全集上训练一个字符级小 GPT。
#
# In this assignment you build every part of the Transformer from scratch: sinusoidal positions,
# layer normalisation, the position-wise feed-forward network, multi-head attention, padding and
# causal masks, encoder and decoder layers (both Post-LN and Pre-LN), and the label-smoothed loss;
# then BERT's input representation, the 80/10/10 rule of masked language modelling (MLM) and
# next-sentence-prediction (NSP) pairs; then GPT's causal block and autoregressive generation
# (greedy, temperature, top-k), and finally a tiny character-level GPT trained on Shakespeare.
#
# 只修改 `TODO` 处的代码；函数名、参数名和子模块名必须与说明一致。
# Change only the code marked `TODO`; keep every function, parameter and submodule name as given.

# %%
import math

import torch
import torch.nn.functional as F
from torch import nn

# Token ids 0-3 are special in this assignment (BERT's vocabulary has them too, elsewhere);
# regular tokens are NUM_SPECIAL, ..., vocab_size - 1.
PAD, CLS, SEP, MASK = 0, 1, 2, 3
NUM_SPECIAL = 4
IGNORE_INDEX = -100  # the label of a position that takes no part in the loss (as in F.cross_entropy)


# %% [markdown]
# ## 1. 正弦位置编码 · Sinusoidal positional encoding
#
# 自注意力本身不区分顺序，因此要把位置信息加到词向量上：
# Self-attention is blind to order, so positions are added to the token vectors:
#
# $$PE_{(pos, 2i)} = \sin\left(\frac{pos}{10000^{2i/d}}\right), \qquad
#   PE_{(pos, 2i+1)} = \cos\left(\frac{pos}{10000^{2i/d}}\right)$$
#
# 偶数列是 sin，奇数列是 cos；第 2i 列和第 2i+1 列共用同一个频率。
# Even columns hold sines, odd columns cosines; columns 2i and 2i+1 share one frequency.

# %%
def sinusoidal_positional_encoding(max_len, d_model):
    """The fixed position encodings of "Attention Is All You Need".

    Args:
        max_len (int): number of positions, ``max_len >= 1``.
        d_model (int): embedding size, even and ``>= 2``.

    Returns:
        Tensor[max_len, d_model] (float32): row ``pos`` is the encoding of position ``pos``;
        ``PE[pos, 2i] = sin(pos / 10000^(2i/d_model))`` and ``PE[pos, 2i+1] = cos(...)`` of the
        same angle. Every entry lies in [-1, 1]; row 0 is ``[0, 1, 0, 1, ...]``.

    Raises:
        ValueError: when ``d_model`` is odd or smaller than 2, or ``max_len < 1``.
    """
    ### BEGIN SOLUTION
    if d_model < 2 or d_model % 2 != 0:
        raise ValueError(f"d_model must be an even number >= 2, got {d_model}")
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    # Computed in float64 and rounded once: angles reach max_len radians, where float32 steps are coarse.
    position = torch.arange(max_len, dtype=torch.float64)[:, None]            # (L, 1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)                  # (D/2,)
    angle = position / 10000.0 ** (two_i / d_model)                          # (L, D/2)
    pe = torch.empty(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe.float()
    ### END SOLUTION


# %% [markdown]
# ## 2. 层归一化 · Layer normalisation
#
# 对每个位置的 `d_model` 个特征（最后一维）做归一化，与批量和序列中的其他位置无关：
# Normalise the `d_model` features of each position (the last axis), independently of the batch
# and of the other positions:
#
# $$\mathrm{LN}(x) = \gamma \odot \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta, \qquad
#   \mu = \tfrac{1}{d}\textstyle\sum_j x_j, \quad \sigma^2 = \tfrac{1}{d}\sum_j (x_j - \mu)^2$$
#
# 注意方差是有偏的（除以 d，不是 d-1），与 `nn.LayerNorm` 相同。
# The variance is the biased one (divide by d, not d-1), as in `nn.LayerNorm`.

# %%
class LayerNorm(nn.Module):
    """Layer normalisation over the last axis, with a learned scale and shift.

    Parameters (names are part of the assignment, as in ``nn.LayerNorm``): ``weight`` (Tensor[d_model],
    initialised to ones) and ``bias`` (Tensor[d_model], initialised to zeros).
    """

    def __init__(self, d_model, eps=1e-5):
        super().__init__()
        ### BEGIN SOLUTION
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model))
        self.bias = nn.Parameter(torch.zeros(d_model))
        ### END SOLUTION

    def forward(self, x):
        """
        Args:
            x (Tensor[..., d_model]).

        Returns:
            Tensor[..., d_model]: each vector along the last axis normalised to mean 0 and (biased)
            variance 1, then scaled by ``weight`` and shifted by ``bias``. A constant vector
            (variance 0) becomes ``bias``, not NaN.
        """
        ### BEGIN SOLUTION
        mean = x.mean(dim=-1, keepdim=True)                               # (..., 1)
        var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)                # (..., 1), biased
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias
        ### END SOLUTION


# %% [markdown]
# ## 3. 逐位置前馈网络 · Position-wise feed-forward network
#
# $$\mathrm{FFN}(x) = W_2\,\mathrm{dropout}(\mathrm{ReLU}(W_1 x + b_1)) + b_2$$
#
# 对每个位置独立地使用同一个两层 MLP（`d_model → d_ff → d_model`）。
# The same two-layer MLP (`d_model → d_ff → d_model`) is applied to every position on its own.

# %%
class PositionwiseFFN(nn.Module):
    """Two linear maps with a ReLU (and dropout) between them, applied at every position.

    Submodules: ``linear1`` = Linear(d_model, d_ff), ``linear2`` = Linear(d_ff, d_model) (the names
    of ``nn.TransformerEncoderLayer``), and a dropout after the ReLU.
    """

    def __init__(self, d_model, d_ff, dropout=0.0):
        super().__init__()
        ### BEGIN SOLUTION
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)
        ### END SOLUTION

    def forward(self, x):
        """x (Tensor[..., d_model]) -> Tensor[..., d_model]."""
        ### BEGIN SOLUTION
        return self.linear2(self.dropout(torch.relu(self.linear1(x))))   # (..., d_ff) inside
        ### END SOLUTION


# %% [markdown]
# ## 4. 多头注意力（复习第 1 章）· Multi-head attention (from chapter 1)
#
# 把你在第 1 章写的缩放点积注意力和多头注意力放在这里（本作业只提交这一个文件）。约定不变：
# 掩码中 True 表示“可以关注”；完全被遮住的查询得到全零权重和全零输出；第 h 个头使用每个投影的第
# `h*d_head:(h+1)*d_head` 个特征。
#
# Put your chapter 1 scaled dot-product and multi-head attention here (you submit this one file).
# Same conventions: True in a mask means "may attend"; a query that may attend to nothing gets zero
# weights and a zero output; head h uses features `h*d_head:(h+1)*d_head` of each projection.

# %%
def scaled_dot_product_attention(q, k, v, mask=None):
    """``softmax(q k^T / sqrt(d)) v``, with an optional boolean mask (True = may attend).

    Args:
        q (Tensor[..., Lq, D]), k (Tensor[..., Lk, D]), v (Tensor[..., Lk, Dv]).
        mask (BoolTensor broadcastable to [..., Lq, Lk], optional).

    Returns:
        (out, weights): out (Tensor[..., Lq, Dv]), weights (Tensor[..., Lq, Lk]); a fully masked
        query gets all-zero weights and an all-zero output.
    """
    ### BEGIN SOLUTION
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])             # (..., Lq, Lk)
    if mask is None:
        weights = torch.softmax(scores, dim=-1)
    else:
        # The smallest finite value, not -inf: a fully masked row stays finite, then is zeroed.
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
        weights = torch.softmax(scores, dim=-1) * mask
    return weights @ v, weights
    ### END SOLUTION


class MultiHeadAttention(nn.Module):
    """Multi-head attention with query, key, value and output projections.

    Submodules: ``W_q``, ``W_k``, ``W_v``, ``W_o``, each Linear(d_model, d_model, bias=bias).

    Raises:
        ValueError: when ``d_model`` is not divisible by ``num_heads``.
    """

    def __init__(self, d_model, num_heads, bias=True):
        super().__init__()
        ### BEGIN SOLUTION
        if d_model % num_heads != 0:
            raise ValueError(f"d_model={d_model} is not divisible by num_heads={num_heads}")
        self.num_heads = num_heads
        self.W_q = nn.Linear(d_model, d_model, bias=bias)
        self.W_k = nn.Linear(d_model, d_model, bias=bias)
        self.W_v = nn.Linear(d_model, d_model, bias=bias)
        self.W_o = nn.Linear(d_model, d_model, bias=bias)
        ### END SOLUTION

    def forward(self, query, key, value, mask=None):
        """
        Args:
            query (Tensor[B, Lq, d_model]), key and value (Tensor[B, Lk, d_model]).
            mask (BoolTensor broadcastable to [B, num_heads, Lq, Lk], optional): True = may attend.

        Returns:
            (out, weights): out (Tensor[B, Lq, d_model]), weights (Tensor[B, num_heads, Lq, Lk]).
        """
        ### BEGIN SOLUTION
        B, Lq, D = query.shape
        H = self.num_heads
        q = self.W_q(query).reshape(B, Lq, H, D // H).transpose(1, 2)             # (B, H, Lq, Dh)
        k = self.W_k(key).reshape(B, key.shape[1], H, D // H).transpose(1, 2)     # (B, H, Lk, Dh)
        v = self.W_v(value).reshape(B, value.shape[1], H, D // H).transpose(1, 2)  # (B, H, Lk, Dh)
        out, weights = scaled_dot_product_attention(q, k, v, mask)                # (B, H, Lq, Dh)
        out = out.transpose(1, 2).reshape(B, Lq, D)                               # (B, Lq, D)
        return self.W_o(out), weights
        ### END SOLUTION


# %% [markdown]
# ## 5. 填充掩码与因果掩码 · Padding and causal masks
#
# 掩码形状可以广播到注意力分数的形状 (B, H, Lq, Lk)，True 表示“可以关注”：
# Masks broadcast to the scores' shape (B, H, Lq, Lk); True means "may attend":
#
# - 填充掩码遮住的是**键**（被填充的位置不能被任何查询关注），形状 (B, 1, 1, L)；
#   the padding mask hides **keys** (no query may attend to a padded position), shape (B, 1, 1, L);
# - 因果掩码让位置 i 只看到 j ≤ i，形状 (L, L)；
#   the causal mask lets position i see only j ≤ i, shape (L, L);
# - 解码器的自注意力同时使用两者（逻辑与），形状 (B, 1, L, L)。
#   the decoder's self-attention uses both (logical and), shape (B, 1, L, L).

# %%
def padding_mask(tokens, pad_id=PAD):
    """Which keys are real tokens.

    Args:
        tokens (LongTensor[B, L]), pad_id (int).

    Returns:
        BoolTensor[B, 1, 1, L]: ``True`` where ``tokens[b, j] != pad_id``; it broadcasts over heads
        and queries, so padded keys are hidden from every query.
    """
    ### BEGIN SOLUTION
    return (tokens != pad_id)[:, None, None, :]                         # (B, 1, 1, L)
    ### END SOLUTION


def causal_mask(L, device=None):
    """BoolTensor[L, L] on ``device``: ``True`` where ``j <= i`` (itself and the past, never the future)."""
    ### BEGIN SOLUTION
    i = torch.arange(L, device=device)[:, None]                          # (L, 1)
    j = torch.arange(L, device=device)[None, :]                          # (1, L)
    return j <= i
    ### END SOLUTION


def target_mask(tokens, pad_id=PAD):
    """The decoder's self-attention mask: causal and not padding.

    Args:
        tokens (LongTensor[B, L]): the decoder's input tokens.

    Returns:
        BoolTensor[B, 1, L, L]: ``True`` where ``j <= i`` and ``tokens[b, j] != pad_id``; built on
        ``tokens.device``.
    """
    ### BEGIN SOLUTION
    L = tokens.shape[1]
    return padding_mask(tokens, pad_id) & causal_mask(L, device=tokens.device)   # (B, 1, L, L)
    ### END SOLUTION


# %% [markdown]
# ## 6. 编码器层：Post-LN 与 Pre-LN · Encoder layer: Post-LN and Pre-LN
#
# 原始 Transformer 先做残差连接再做层归一化（Post-LN）；GPT-2 之后的大多数模型把层归一化移到子层之前
# （Pre-LN），残差路径上不再有归一化。这正是实验课练习“替换残差连接与 LayerNorm 的顺序”：
# The original Transformer adds the residual first and normalises after (Post-LN); most models since
# GPT-2 normalise before each sublayer (Pre-LN), leaving the residual path untouched. This is the
# lab exercise "swap the order of the residual connection and LayerNorm":
#
# | `norm_first=False`（Post-LN） | `norm_first=True`（Pre-LN） |
# | --- | --- |
# | `x = norm1(x + dropout(SelfAttn(x)))` | `x = x + dropout(SelfAttn(norm1(x)))` |
# | `x = norm2(x + dropout(FFN(x)))` | `x = x + dropout(FFN(norm2(x)))` |
#
# 子模块名与 `nn.TransformerEncoderLayer` 对应，便于互相拷贝权重（注意力的 `W_q, W_k, W_v` 拼起来就是
# 它的 `in_proj_weight`）。
# Submodule names follow `nn.TransformerEncoderLayer`, so weights copy across (our attention's
# `W_q, W_k, W_v` stacked are its `in_proj_weight`).

# %%
class TransformerEncoderLayer(nn.Module):
    """Self-attention and a feed-forward network, each with a residual connection and LayerNorm.

    Submodules: ``self_attn`` = MultiHeadAttention(d_model, num_heads), ``ffn`` =
    PositionwiseFFN(d_model, d_ff, dropout), ``norm1`` and ``norm2`` = LayerNorm(d_model).
    Dropout (probability ``dropout``) is applied to each sublayer's output before the residual sum.
    """

    def __init__(self, d_model, num_heads, d_ff, dropout=0.1, norm_first=False):
        super().__init__()
        ### BEGIN SOLUTION
        self.norm_first = norm_first
        self.self_attn = MultiHeadAttention(d_model, num_heads)
        self.ffn = PositionwiseFFN(d_model, d_ff, dropout)
        self.norm1 = LayerNorm(d_model)
        self.norm2 = LayerNorm(d_model)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)
        ### END SOLUTION

    def forward(self, x, mask=None):
        """
        Args:
            x (Tensor[B, L, d_model]).
            mask (BoolTensor broadcastable to [B, num_heads, L, L], optional): True = may attend,
                e.g. ``padding_mask(tokens)``.

        Returns:
            Tensor[B, L, d_model].
        """
        ### BEGIN SOLUTION
        if self.norm_first:                                   # Pre-LN: x + f(LN(x))
            h = self.norm1(x)
            x = x + self.dropout1(self.self_attn(h, h, h, mask)[0])
            x = x + self.dropout2(self.ffn(self.norm2(x)))
        else:                                                 # Post-LN: LN(x + f(x))
            x = self.norm1(x + self.dropout1(self.self_attn(x, x, x, mask)[0]))
            x = self.norm2(x + self.dropout2(self.ffn(x)))
        return x
        ### END SOLUTION


# %% [markdown]
# ## 7. 解码器层 · Decoder layer
#
# 三个子层：带掩码的自注意力（查询、键、值都来自目标序列）、编码器-解码器注意力（查询来自解码器，
# 键和值来自编码器输出 `memory`）、前馈网络。Post-LN 与 Pre-LN 的规则同上。
# Three sublayers: masked self-attention (queries, keys and values from the target), encoder-decoder
# attention (queries from the decoder, keys and values from the encoder's output `memory`), and the
# feed-forward network. Post-LN and Pre-LN as above.

# %%
class TransformerDecoderLayer(nn.Module):
    """Masked self-attention, cross-attention to the encoder's output, and a feed-forward network.

    Submodules: ``self_attn`` and ``cross_attn`` = MultiHeadAttention(d_model, num_heads), ``ffn`` =
    PositionwiseFFN(d_model, d_ff, dropout), ``norm1``, ``norm2``, ``norm3`` = LayerNorm(d_model)
    (``cross_attn`` is what ``nn.TransformerDecoderLayer`` calls ``multihead_attn``).
    """

    def __init__(self, d_model, num_heads, d_ff, dropout=0.1, norm_first=False):
        super().__init__()
        ### BEGIN SOLUTION
        self.norm_first = norm_first
        self.self_attn = MultiHeadAttention(d_model, num_heads)
        self.cross_attn = MultiHeadAttention(d_model, num_heads)
        self.ffn = PositionwiseFFN(d_model, d_ff, dropout)
        self.norm1 = LayerNorm(d_model)
        self.norm2 = LayerNorm(d_model)
        self.norm3 = LayerNorm(d_model)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)
        self.dropout3 = nn.Dropout(dropout)
        ### END SOLUTION

    def forward(self, x, memory, tgt_mask=None, memory_mask=None):
        """
        Args:
            x (Tensor[B, Lt, d_model]): the target sequence so far.
            memory (Tensor[B, Ls, d_model]): the encoder's output.
            tgt_mask (BoolTensor broadcastable to [B, num_heads, Lt, Lt], optional): e.g.
                ``target_mask(tgt_tokens)``.
            memory_mask (BoolTensor broadcastable to [B, num_heads, Lt, Ls], optional): e.g.
                ``padding_mask(src_tokens)``.

        Returns:
            Tensor[B, Lt, d_model].
        """
        ### BEGIN SOLUTION
        if self.norm_first:
            h = self.norm1(x)
            x = x + self.dropout1(self.self_attn(h, h, h, tgt_mask)[0])
            h = self.norm2(x)
            x = x + self.dropout2(self.cross_attn(h, memory, memory, memory_mask)[0])
            x = x + self.dropout3(self.ffn(self.norm3(x)))
        else:
            x = self.norm1(x + self.dropout1(self.self_attn(x, x, x, tgt_mask)[0]))
            x = self.norm2(x + self.dropout2(self.cross_attn(x, memory, memory, memory_mask)[0]))
            x = self.norm3(x + self.dropout3(self.ffn(x)))
        return x
        ### END SOLUTION


# %% [markdown]
# ## 8. 编码器（层的堆叠）· The encoder: a stack of layers
#
# Pre-LN 的残差路径上没有归一化，最后一层的输出是未归一化的残差之和，所以 Pre-LN 编码器末尾要再加
# 一个 LayerNorm（`norm`）；Post-LN 每层已经以归一化结束，不需要它。
# In Pre-LN the residual path is never normalised, so the last layer returns an unnormalised sum and
# a Pre-LN encoder ends with one more LayerNorm (`norm`); a Post-LN layer already ends normalised.

# %%
class TransformerEncoder(nn.Module):
    """``num_layers`` encoder layers, plus a final LayerNorm when ``norm_first``.

    Submodules: ``layers`` = ModuleList of TransformerEncoderLayer(d_model, num_heads, d_ff, dropout,
    norm_first); ``norm`` = LayerNorm(d_model) when ``norm_first``, otherwise a module without
    parameters (``nn.Identity()``).
    """

    def __init__(self, num_layers, d_model, num_heads, d_ff, dropout=0.1, norm_first=False):
        super().__init__()
        ### BEGIN SOLUTION
        self.layers = nn.ModuleList(
            [TransformerEncoderLayer(d_model, num_heads, d_ff, dropout, norm_first) for _ in range(num_layers)])
        self.norm = LayerNorm(d_model) if norm_first else nn.Identity()
        ### END SOLUTION

    def forward(self, x, mask=None):
        """x (Tensor[B, L, d_model]), mask (as for a layer) -> Tensor[B, L, d_model]."""
        ### BEGIN SOLUTION
        for layer in self.layers:
            x = layer(x, mask)
        return self.norm(x)
        ### END SOLUTION


# %% [markdown]
# ## 9. 标签平滑损失 · Label-smoothed cross-entropy
#
# 把 one-hot 目标换成 $(1-\varepsilon)\,\text{one-hot} + \varepsilon / C$（平滑质量均分给**全部** C 个类，
# 包括正确类，与 `F.cross_entropy(label_smoothing=ε)` 相同）：
# Replace the one-hot target by $(1-\varepsilon)\,\text{one-hot} + \varepsilon / C$ (the smoothing
# mass is shared by **all** C classes, the true one included, as `F.cross_entropy(label_smoothing=ε)`):
#
# $$\ell = (1-\varepsilon)\,(-\log p_y) + \varepsilon \cdot \frac{1}{C}\sum_{c=1}^{C} (-\log p_c)$$
#
# 目标为 `ignore_index` 的位置（如填充）不参与损失，平均只在其余位置上取。
# Positions whose target is `ignore_index` (padding) take no part; the mean is over the others.

# %%
def label_smoothed_cross_entropy(logits, targets, smoothing=0.1, ignore_index=IGNORE_INDEX):
    """Cross-entropy against smoothed targets, averaged over the positions that are not ignored.

    Args:
        logits (Tensor[..., C]): unnormalised scores; classes on the last axis.
        targets (LongTensor[...]): class ids in ``[0, C)``, or ``ignore_index``.
        smoothing (float): ``0 <= smoothing <= 1``; 0 gives plain cross-entropy.
        ignore_index (int): targets to leave out.

    Returns:
        Tensor[] (a scalar of ``logits``' dtype): the mean loss over the kept positions; 0 when every
        position is ignored (``F.cross_entropy`` gives NaN there). Finite for logits of any size
        (log-softmax, never ``log(softmax)``).

    Raises:
        ValueError: when ``smoothing`` is outside [0, 1].
    """
    ### BEGIN SOLUTION
    if not 0.0 <= smoothing <= 1.0:
        raise ValueError(f"smoothing must lie in [0, 1], got {smoothing}")
    log_probs = torch.log_softmax(logits, dim=-1)                              # (..., C)
    keep = targets != ignore_index                                             # (...)
    safe_targets = targets.masked_fill(~keep, 0)                               # any valid id
    nll = -log_probs.gather(-1, safe_targets[..., None]).squeeze(-1)           # (...)
    uniform = -log_probs.mean(dim=-1)                                          # (...)
    loss = (1.0 - smoothing) * nll + smoothing * uniform                       # (...)
    return loss.masked_fill(~keep, 0.0).sum() / keep.sum().clamp_min(1)
    ### END SOLUTION


# %% [markdown]
# ## 10. BERT 的输入表示 · BERT's input representation
#
# 一对句子写成 `[CLS] A [SEP] B [SEP]`；段编号（segment）在 `[CLS] A [SEP]` 上为 0，在 `B [SEP]` 上为 1。
# 输入向量 = 词嵌入 + 段嵌入 + （可学习的）位置嵌入，再做 LayerNorm。
# A sentence pair is written `[CLS] A [SEP] B [SEP]`; the segment id is 0 on `[CLS] A [SEP]` and 1 on
# `B [SEP]`. The input vector is token + segment + (learned) position embedding, then LayerNorm.

# %%
def bert_input(tokens_a, tokens_b=None):
    """Pack one sentence (or a pair) into BERT's input.

    Args:
        tokens_a (LongTensor[La]), tokens_b (LongTensor[Lb], optional): regular token ids.

    Returns:
        (tokens, segments), both LongTensor[L] on ``tokens_a.device``: ``[CLS] a [SEP]`` with
        segments 0 (``L = La + 2``); with ``tokens_b``, ``[CLS] a [SEP] b [SEP]`` with segments 0
        up to and including the first ``[SEP]`` and 1 after it (``L = La + Lb + 3``).
    """
    ### BEGIN SOLUTION
    cls, sep = tokens_a.new_tensor([CLS]), tokens_a.new_tensor([SEP])
    tokens = torch.cat([cls, tokens_a, sep])                                   # (La + 2,)
    segments = torch.zeros_like(tokens)
    if tokens_b is not None:
        second = torch.cat([tokens_b, sep])                                    # (Lb + 1,)
        tokens = torch.cat([tokens, second])
        segments = torch.cat([segments, torch.ones_like(second)])
    return tokens, segments
    ### END SOLUTION


class BERTEmbedding(nn.Module):
    """BERT's input embedding: token + segment + learned position, then LayerNorm.

    Submodules: ``token`` = Embedding(vocab_size, d_model), ``segment`` = Embedding(num_segments,
    d_model), ``position`` = Embedding(max_len, d_model), ``norm`` = LayerNorm(d_model).
    """

    def __init__(self, vocab_size, d_model, max_len=512, num_segments=2):
        super().__init__()
        ### BEGIN SOLUTION
        self.max_len = max_len
        self.token = nn.Embedding(vocab_size, d_model)
        self.segment = nn.Embedding(num_segments, d_model)
        self.position = nn.Embedding(max_len, d_model)
        self.norm = LayerNorm(d_model)
        ### END SOLUTION

    def forward(self, tokens, segments):
        """
        Args:
            tokens (LongTensor[B, L]), segments (LongTensor[B, L]): ``L <= max_len``; position ``j``
                uses row ``j`` of ``position``.

        Returns:
            Tensor[B, L, d_model].

        Raises:
            ValueError: when ``L > max_len``.
        """
        ### BEGIN SOLUTION
        B, L = tokens.shape
        if L > self.max_len:
            raise ValueError(f"sequence length {L} exceeds max_len={self.max_len}")
        positions = torch.arange(L, device=tokens.device)                          # (L,)
        x = self.token(tokens) + self.segment(segments) + self.position(positions)  # (B, L, D)
        return self.norm(x)
        ### END SOLUTION


# %% [markdown]
# ## 11. 掩码语言模型：80/10/10 规则 · Masked language modelling: the 80/10/10 rule
#
# 每个**普通**词元（id ≥ `NUM_SPECIAL`）以概率 `mask_prob` 被独立地选中，特殊词元（`[PAD]`、`[CLS]`、
# `[SEP]`、`[MASK]`）永远不会被选中。被选中的词元：80% 换成 `[MASK]`，10% 换成一个随机的普通词元，
# 10% 保持不变；标签是原来的词元，未被选中的位置标签为 `IGNORE_INDEX`（不参与损失）。
# Each **regular** token (id ≥ `NUM_SPECIAL`) is selected independently with probability `mask_prob`;
# special tokens (`[PAD]`, `[CLS]`, `[SEP]`, `[MASK]`) are never selected. A selected token becomes
# `[MASK]` with probability 0.8, a random regular token with 0.1, and stays as it is with 0.1; its
# label is the original token, and every other position gets `IGNORE_INDEX` (no loss).
#
# 为什么不总是换成 `[MASK]`？微调和推理时输入中没有 `[MASK]`；随机替换和保持不变迫使模型为每个位置
# 都保留好的表示。Why not always `[MASK]`? Fine-tuning and inference never see `[MASK]`; random and
# unchanged tokens make the model keep a good representation of every position.

# %%
def mask_tokens(tokens, vocab_size, mask_prob=0.15):
    """BERT's MLM corruption of a batch of token ids.

    Args:
        tokens (LongTensor[...]): ids in ``[0, vocab_size)``; ids below ``NUM_SPECIAL`` are special.
        vocab_size (int): ``> NUM_SPECIAL``.
        mask_prob (float): probability of selecting each regular token, in [0, 1].

    Returns:
        (inputs, labels), both LongTensor of ``tokens``' shape and device: ``inputs`` is the
        corrupted batch; ``labels`` is ``tokens`` at the selected positions and ``IGNORE_INDEX``
        elsewhere. A random replacement is uniform over the regular ids ``[NUM_SPECIAL, vocab_size)``
        (it may, by chance, equal the original). Random numbers come from torch's global generator,
        so ``torch.manual_seed`` makes the result reproducible.

    Raises:
        ValueError: when ``mask_prob`` is outside [0, 1].
    """
    ### BEGIN SOLUTION
    if not 0.0 <= mask_prob <= 1.0:
        raise ValueError(f"mask_prob must lie in [0, 1], got {mask_prob}")
    regular = tokens >= NUM_SPECIAL
    selected = (torch.rand(tokens.shape, device=tokens.device) < mask_prob) & regular
    labels = tokens.masked_fill(~selected, IGNORE_INDEX)
    action = torch.rand(tokens.shape, device=tokens.device)                 # one draw decides 80/10/10
    to_mask = selected & (action < 0.8)
    to_random = selected & (action >= 0.8) & (action < 0.9)                   # the last 10% stay as they are
    random_tokens = torch.randint(NUM_SPECIAL, vocab_size, tokens.shape, device=tokens.device)
    inputs = tokens.masked_fill(to_mask, MASK)
    inputs = torch.where(to_random, random_tokens, inputs)
    return inputs, labels
    ### END SOLUTION


# %% [markdown]
# ## 12. 下一句预测的样本 · Next-sentence-prediction pairs
#
# 对语料中相邻的每一对位置 i, i+1：以 50% 的概率取真正的下一句（IsNext），否则从语料中随机取一个
# **不是**下一句的句子（NotNext）。
# For each position i of the corpus (but the last): with probability 0.5 take the true next sentence
# (IsNext), otherwise a random sentence of the corpus that is **not** the next one (NotNext).

# %%
def nsp_pairs(sentences):
    """Next-sentence-prediction examples from a list of consecutive sentences.

    Args:
        sentences (list of lists of int): the corpus in reading order, at least 2 sentences.

    Returns:
        list of ``len(sentences) - 1`` tuples ``(a, b, is_next)``: ``a`` is ``sentences[i]``;
        ``is_next`` is a bool, True with probability 0.5, and then ``b`` is ``sentences[i + 1]``;
        otherwise ``b`` is ``sentences[j]`` for ``j`` drawn uniformly among the indices other than
        ``i + 1``. Random numbers come from Python's ``random`` module or torch's global generator
        (both are seeded by the grader).

    Raises:
        ValueError: when there are fewer than 2 sentences.
    """
    ### BEGIN SOLUTION
    n = len(sentences)
    if n < 2:
        raise ValueError(f"need at least 2 sentences, got {n}")
    pairs = []
    for i in range(n - 1):
        if torch.rand(()).item() < 0.5:
            pairs.append((sentences[i], sentences[i + 1], True))
        else:
            j = int(torch.randint(n - 1, ()))       # uniform over the n - 1 indices other than i + 1
            j = j + 1 if j >= i + 1 else j
            pairs.append((sentences[i], sentences[j], False))
    return pairs
    ### END SOLUTION


# %% [markdown]
# ## 13. GPT 的因果块与模型 · GPT's causal block and model
#
# GPT 的块就是一个 Pre-LN 编码器层，但自注意力是因果的：位置 i 只能看到 j ≤ i（nanoGPT 的
# `Block.forward` 只有两行：`x = x + attn(ln_1(x))`、`x = x + mlp(ln_2(x))`）。
# A GPT block is a Pre-LN encoder layer whose self-attention is causal: position i sees j ≤ i only
# (nanoGPT's `Block.forward` is two lines: `x = x + attn(ln_1(x))`, `x = x + mlp(ln_2(x))`).
#
# 模型：词嵌入 + 可学习位置嵌入 → `num_layers` 个块 → 最后的 LayerNorm → 线性层得到下一个词元的 logits。
# The model: token + learned position embeddings → `num_layers` blocks → a final LayerNorm → a
# linear map to the next token's logits.

# %%
class GPTBlock(TransformerEncoderLayer):
    """A decoder-only (GPT) block: Pre-LN, causal self-attention, then the feed-forward network.

    Submodules as TransformerEncoderLayer: ``norm1``, ``self_attn``, ``norm2``, ``ffn``.
    """

    def __init__(self, d_model, num_heads, d_ff, dropout=0.0):
        ### BEGIN SOLUTION
        super().__init__(d_model, num_heads, d_ff, dropout, norm_first=True)
        ### END SOLUTION

    def forward(self, x):
        """x (Tensor[B, L, d_model]) -> Tensor[B, L, d_model]; output i depends on x[:, :i + 1] only."""
        ### BEGIN SOLUTION
        return super().forward(x, causal_mask(x.shape[1], device=x.device))
        ### END SOLUTION


class GPT(nn.Module):
    """A tiny GPT: embeddings, ``num_layers`` causal blocks, a final LayerNorm, a language-model head.

    Submodules: ``token_embedding`` = Embedding(vocab_size, d_model), ``position_embedding`` =
    Embedding(block_size, d_model), ``blocks`` = ModuleList of GPTBlock(d_model, num_heads,
    4 * d_model, dropout), ``norm`` = LayerNorm(d_model), ``lm_head`` = Linear(d_model, vocab_size,
    bias=False). The attribute ``block_size`` holds the longest context the model accepts.
    """

    def __init__(self, vocab_size, block_size, d_model=64, num_heads=4, num_layers=2, dropout=0.0):
        super().__init__()
        ### BEGIN SOLUTION
        self.block_size = block_size
        self.token_embedding = nn.Embedding(vocab_size, d_model)
        self.position_embedding = nn.Embedding(block_size, d_model)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([GPTBlock(d_model, num_heads, 4 * d_model, dropout) for _ in range(num_layers)])
        self.norm = LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size, bias=False)
        ### END SOLUTION

    def forward(self, idx):
        """
        Args:
            idx (LongTensor[B, L]): token ids, ``1 <= L <= block_size``.

        Returns:
            Tensor[B, L, vocab_size]: at position i, the logits of token i + 1 given ``idx[:, :i + 1]``.

        Raises:
            ValueError: when ``L > block_size``.
        """
        ### BEGIN SOLUTION
        B, L = idx.shape
        if L > self.block_size:
            raise ValueError(f"sequence length {L} exceeds block_size={self.block_size}")
        positions = torch.arange(L, device=idx.device)                                    # (L,)
        x = self.dropout(self.token_embedding(idx) + self.position_embedding(positions))  # (B, L, D)
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.norm(x))                                                 # (B, L, V)
        ### END SOLUTION


# %% [markdown]
# ## 14. 自回归生成：贪心、温度与 top-k · Autoregressive generation: greedy, temperature, top-k
#
# 温度 T 把 logits 除以 T：T < 1 分布更尖锐，T > 1 更平坦，T = 0 即贪心（取 argmax）。top-k 只在得分
# 最高的 k 个词元中采样。生成时每一步只用最后 `block_size` 个词元作为上下文，取最后一个位置的 logits。
# Temperature T divides the logits: T < 1 sharpens, T > 1 flattens, T = 0 is greedy (argmax). Top-k
# samples among the k highest-scoring tokens only. Each generation step feeds the last `block_size`
# tokens and uses the logits of the last position.

# %%
def sample_next_token(logits, temperature=1.0, top_k=None):
    """Pick the next token of each row.

    Args:
        logits (Tensor[B, V]).
        temperature (float): ``>= 0``; 0 means greedy (the arg-max, no randomness).
        top_k (int, optional): ``>= 1``; sample among each row's ``top_k`` largest logits only
            (all of them when ``top_k >= V``). With ties at the k-th largest value, which of the tied
            tokens stay is up to you.

    Returns:
        LongTensor[B] on ``logits.device``: drawn from ``softmax(logits / temperature)`` restricted to
        the top k (torch's global generator).

    Raises:
        ValueError: when ``temperature < 0`` or ``top_k < 1``.
    """
    ### BEGIN SOLUTION
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be >= 1, got {top_k}")
    if temperature == 0:
        return logits.argmax(dim=-1)
    logits = logits / temperature                                             # (B, V)
    if top_k is not None:
        kth = logits.topk(min(top_k, logits.shape[-1]), dim=-1).values[:, -1:]  # (B, 1)
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)                                     # (B, V)
    return torch.multinomial(probs, num_samples=1).squeeze(-1)                # (B,)
    ### END SOLUTION


@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    """Extend each row of ``idx`` by ``max_new_tokens`` tokens, one at a time.

    Args:
        model: maps LongTensor[B, L] (``L <= model.block_size``) to logits Tensor[B, L, V] and has an
            attribute ``block_size``.
        idx (LongTensor[B, L0]): the prompt; it may be longer than ``block_size``.
        max_new_tokens (int): ``>= 0``.
        temperature, top_k: as for :func:`sample_next_token`.

    Returns:
        LongTensor[B, L0 + max_new_tokens]: the prompt followed by the new tokens. Each step feeds the
        last ``block_size`` tokens and samples from the logits at the last position.
    """
    ### BEGIN SOLUTION
    for _ in range(max_new_tokens):
        context = idx[:, -model.block_size:]                                  # (B, <= block_size)
        logits = model(context)[:, -1, :]                                     # (B, V)
        next_token = sample_next_token(logits, temperature, top_k)            # (B,)
        idx = torch.cat([idx, next_token[:, None]], dim=1)                    # (B, L + 1)
    return idx
    ### END SOLUTION


# %% [markdown]
# ## 15. 在莎士比亚全集上训练字符级 GPT · A character-level GPT trained on Shakespeare
#
# 每一步从训练文本中随机截取 `batch_size` 段长为 `block_size + 1` 的片段：前 `block_size` 个字符是输入，
# 后移一位是目标（nanoGPT 的 `get_batch`）。评分时在未见过的文本（全集最后 10%）上计算每字符比特数
# （bits per character），并检查模型确实是因果的。
# Each step cuts `batch_size` random windows of `block_size + 1` characters from the training text:
# the first `block_size` are the input, the same shifted by one the target (nanoGPT's `get_batch`).
# Grading measures bits per character on unseen text (the last 10% of the works) and checks that the
# model is causal.

# %%
def train_char_gpt(train_ids, vocab_size, block_size=64, num_steps=500, batch_size=16, lr=1e-2):
    """Train a :class:`GPT` to predict the next character (its sizes are your choice).

    Args:
        train_ids (LongTensor[T]): the training text as character ids, ``T > block_size``.
        vocab_size (int): number of distinct characters.
        block_size (int): context length; the returned model accepts any ``L <= block_size``.

    Returns:
        (model, losses): the trained GPT in eval mode, and the training loss of each step (floats).
    """
    ### BEGIN SOLUTION
    # One block with two heads: with about ten seconds of one CPU thread, more steps buy more than depth.
    model = GPT(vocab_size, block_size, d_model=64, num_heads=2, num_layers=1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    offsets = torch.arange(block_size + 1)                                    # (L + 1,)
    losses = []
    for step in range(num_steps):
        starts = torch.randint(len(train_ids) - block_size, (batch_size,))    # (B,)
        windows = train_ids[starts[:, None] + offsets[None, :]]                # (B, L + 1)
        x, y = windows[:, :-1], windows[:, 1:]                                 # (B, L), (B, L)
        logits = model(x)                                                      # (B, L, V)
        loss = F.cross_entropy(logits.reshape(-1, vocab_size), y.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model.eval(), losses
    ### END SOLUTION


# %% [markdown]
# ## 16. 实验（写进实验报告）：Post-LN 与 Pre-LN · Experiment for the lab report: Post-LN vs Pre-LN
#
# 下面的代码已经写好，不计分：它用你的 `TransformerEncoder` 训练一个把随机序列反转的小模型，返回每一步的
# 损失和第一步时每一层参数的梯度范数。在你自己的单元格里调用它（评分程序不运行顶层代码），例如比较
# `norm_first=False/True`、不同层数（2、6、12）、有无学习率预热（warmup），并把曲线和分析写进实验报告。
#
# The code below is provided and not graded: it trains a small model built on your `TransformerEncoder`
# to reverse random sequences, and returns the loss of every step and each layer's gradient norm at the
# first step. Call it from a cell of your own (the grader does not run top-level code), e.g. to compare
# `norm_first=False/True`, depths (2, 6, 12) and learning-rate warm-up, and put the curves and your
# analysis in the lab report.
#
# ```python
# runs = {f"{name}, {n} layers": layer_norm_experiment(norm_first, num_layers=n)
#         for name, norm_first in [("Post-LN", False), ("Pre-LN", True)] for n in (2, 6)}
# plot_layer_norm_experiment(runs)
# ```

# %%
def layer_norm_experiment(norm_first, num_layers=6, num_steps=300, lr=1e-2, warmup_steps=0, seed=0,
                          vocab_size=8, length=6, d_model=64, num_heads=4, batch_size=64):
    """Train an encoder (Post-LN or Pre-LN) to reverse random sequences. Provided; not graded.

    Returns:
        dict: ``losses`` (list of num_steps floats), ``grad_norms`` (list of num_layers floats: the norm
        of each layer's parameter gradient at the first step, before any update).
    """
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    embed = nn.Embedding(vocab_size, d_model)
    encoder = TransformerEncoder(num_layers, d_model, num_heads, 4 * d_model, dropout=0.0, norm_first=norm_first)
    head = nn.Linear(d_model, vocab_size)
    parameters = [*embed.parameters(), *encoder.parameters(), *head.parameters()]
    optimizer = torch.optim.Adam(parameters, lr=lr)
    warmup = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / warmup_steps) if warmup_steps else 1.0)
    positions = sinusoidal_positional_encoding(length, d_model)                   # (L, D)
    losses, grad_norms = [], []
    for step in range(num_steps):
        src = torch.randint(vocab_size, (batch_size, length), generator=generator)  # (B, L)
        target = src.flip(1)                                                        # reversed
        logits = head(encoder(embed(src) * math.sqrt(d_model) + positions))        # (B, L, V)
        loss = F.cross_entropy(logits.reshape(-1, vocab_size), target.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        if step == 0:
            grad_norms = [torch.cat([p.grad.reshape(-1) for p in layer.parameters()]).norm().item()
                          for layer in encoder.layers]
        optimizer.step()
        warmup.step()
        losses.append(loss.item())
    return {"losses": losses, "grad_norms": grad_norms}


def plot_layer_norm_experiment(runs):
    """Plot ``{label: layer_norm_experiment(...)}``: loss curves, and gradient norms by layer. Provided."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for label, run in runs.items():
        left.plot(run["losses"], label=label)
        right.plot(range(1, len(run["grad_norms"]) + 1), run["grad_norms"], marker="o", label=label)
    left.set(xlabel="step", ylabel="training loss", yscale="log", title="loss")
    right.set(xlabel="layer", ylabel="gradient norm at step 0", yscale="log", title="gradients at initialisation")
    left.legend()
    right.legend()
    fig.tight_layout()
    return fig
