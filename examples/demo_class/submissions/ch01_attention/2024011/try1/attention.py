# %% [markdown]
# # 第 1 章 注意力机制 · Chapter 1: Attention mechanisms
#
# 在本作业中，你将从零实现注意力机制的核心组件：掩码 softmax、加性注意力、缩放点积注意力、
# 多头注意力、稀疏注意力掩码、硬注意力与跨模态注意力，画出注意力热力图，并训练一个只有依靠
# 注意力才能解决的小任务（键值检索）。
#
# In this assignment you build the core of attention from scratch: masked softmax, additive
# attention, scaled dot-product attention, multi-head attention, sparse attention masks, hard
# attention and cross-modal attention; you draw an attention heatmap and train a small task that
# only attention can solve (key-value retrieval).
#
# 只修改 `TODO` 处的代码；函数名、参数名和子模块名必须与说明一致。
# Change only the code marked `TODO`; keep every function, parameter and submodule name as given.

# %%
import math

import matplotlib.pyplot as plt
import torch
from torch import nn


# %% [markdown]
# ## 1. 掩码 softmax · Masked softmax
#
# 变长序列被填充到同一长度后，填充位置不应获得任何注意力。
# After padding, padded key positions must receive no attention at all.

# %%
def masked_softmax(X, valid_lens=None):
    """Softmax over the last axis, ignoring key positions at or beyond each valid length.

    Args:
        X (Tensor[B, Lq, Lk]): attention scores.
        valid_lens (Tensor[B] or Tensor[B, Lq], optional): how many keys each batch element (or
            each query row) may attend to. ``None`` means all of them.

    Returns:
        Tensor[B, Lq, Lk]: weights; each row sums to 1 over its valid keys, and key positions
        ``j >= valid_len`` get exactly 0. A row whose valid length is 0 is all zeros, not NaN.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('masked_softmax')


# %% [markdown]
# ## 2. 加性注意力 · Additive (Bahdanau) attention
#
# 评分函数 / score: $a(\mathbf q, \mathbf k) = \mathbf w_v^\top \tanh(\mathbf W_q \mathbf q + \mathbf W_k \mathbf k)$

# %%
class AdditiveAttention(nn.Module):
    """Additive attention: queries and keys of different sizes meet in a hidden space.

    Submodules (names are part of the assignment): ``W_q`` = Linear(query_size, num_hiddens,
    bias=False), ``W_k`` = Linear(key_size, num_hiddens, bias=False), ``w_v`` =
    Linear(num_hiddens, 1, bias=False).
    """

    def __init__(self, query_size, key_size, num_hiddens):
        super().__init__()
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('__init__')

    def forward(self, queries, keys, values, valid_lens=None):
        """
        Args:
            queries (Tensor[B, Lq, query_size]), keys (Tensor[B, Lk, key_size]),
            values (Tensor[B, Lk, Dv]), valid_lens (Tensor[B] or Tensor[B, Lq], optional).

        Returns:
            (out, weights): out (Tensor[B, Lq, Dv]), weights (Tensor[B, Lq, Lk]).
        """
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('forward')


# %% [markdown]
# ## 3. 缩放点积注意力 · Scaled dot-product attention
#
# $\mathrm{softmax}\left(\frac{QK^\top}{\sqrt d}\right)V$，掩码中 True 表示“可以关注”。
# In the mask, True means "may attend".

# %%
def scaled_dot_product_attention(q, k, v, mask=None):
    """Attention weights from scaled dot products, applied to the values.

    Args:
        q (Tensor[..., Lq, D]), k (Tensor[..., Lk, D]), v (Tensor[..., Lk, Dv]).
        mask (BoolTensor broadcastable to [..., Lq, Lk], optional): True where a query may attend
            to a key.

    Returns:
        (out, weights): out (Tensor[..., Lq, Dv]), weights (Tensor[..., Lq, Lk]). A query that
        may attend to no key gets all-zero weights and an all-zero output.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('scaled_dot_product_attention')


# %% [markdown]
# ## 4. 多头注意力 · Multi-head attention
#
# 第 h 个头使用每个投影的第 `h*d_head:(h+1)*d_head` 个特征（与 `nn.MultiheadAttention` 相同）。
# Head h uses features `h*d_head:(h+1)*d_head` of each projection, as `nn.MultiheadAttention` does.

# %%
class MultiHeadAttention(nn.Module):
    """Multi-head attention with separate query, key, value and output projections.

    Submodules: ``W_q``, ``W_k``, ``W_v``, ``W_o``, each Linear(d_model, d_model, bias=bias).

    Raises:
        ValueError: when ``d_model`` is not divisible by ``num_heads``.
    """

    def __init__(self, d_model, num_heads, bias=True):
        super().__init__()
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('__init__')

    def forward(self, query, key, value, mask=None):
        """
        Args:
            query (Tensor[B, Lq, d_model]), key and value (Tensor[B, Lk, d_model]).
            mask (BoolTensor broadcastable to [B, num_heads, Lq, Lk], optional): True = may attend.

        Returns:
            (out, weights): out (Tensor[B, Lq, d_model]), weights (Tensor[B, num_heads, Lq, Lk]).
        """
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('forward')

    def split_heads(self, x):
        """(B, L, d_model) -> (B, num_heads, L, d_head)."""
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('split_heads')

    def merge_heads(self, x):
        """(B, num_heads, L, d_head) -> (B, L, d_model)."""
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('merge_heads')


# %% [markdown]
# ## 5. 稀疏注意力掩码 · Sparse attention masks
#
# 返回 (L, L) 的布尔矩阵，True 表示第 i 个查询可以关注第 j 个键。
# Each returns a bool (L, L) matrix; True where query i may attend to key j.

# %%
def causal_mask(L):
    """True where ``j <= i``: a position sees itself and the past, never the future."""
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('causal_mask')


def local_window_mask(L, window):
    """True where ``|i - j| <= window`` (a band around the diagonal, both directions)."""
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('local_window_mask')


def strided_mask(L, stride):
    """Sparse Transformer's strided pattern, causal: True where ``j <= i`` and
    (``i - j < stride`` or ``(i - j) % stride == 0``)."""
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('strided_mask')


# %% [markdown]
# ## 6. 硬注意力 · Hard (top-k) attention
#
# 每个查询只保留得分最高的 `top_k` 个键，在它们之间重新归一化。
# Each query keeps only its `top_k` highest-scoring keys and renormalises over them.

# %%
def hard_attention(q, k, v, top_k=1):
    """Scaled dot-product attention restricted to each query's ``top_k`` keys.

    Args:
        q (Tensor[..., Lq, D]), k (Tensor[..., Lk, D]), v (Tensor[..., Lk, Dv]), top_k (int):
            1 <= top_k <= Lk.

    Returns:
        (out, weights): out (Tensor[..., Lq, Dv]); weights (Tensor[..., Lq, Lk]) with exactly
        ``top_k`` non-zero entries per row (softmax over the kept scores). Ties between equal
        scores are broken as ``torch.topk`` breaks them.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('hard_attention')


# %% [markdown]
# ## 7. 跨模态注意力 · Cross-modal attention
#
# 文本作为查询，图像块作为键和值。Text tokens are the queries; image patches are keys and values.

# %%
class CrossModalAttention(nn.Module):
    """Text-to-image attention: project both modalities to ``d_model``, then multi-head attention.

    Submodules: ``text_proj`` = Linear(text_dim, d_model), ``image_proj`` = Linear(image_dim,
    d_model), ``attn`` = MultiHeadAttention(d_model, num_heads).
    """

    def __init__(self, text_dim, image_dim, d_model, num_heads):
        super().__init__()
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('__init__')

    def forward(self, text, image):
        """
        Args:
            text (Tensor[B, Lt, text_dim]), image (Tensor[B, Np, image_dim]).

        Returns:
            (out, weights): out (Tensor[B, Lt, d_model]), weights (Tensor[B, num_heads, Lt, Np]).
        """
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('forward')


# %% [markdown]
# ## 8. 注意力热力图 · Attention heatmap

# %%
def plot_attention_heatmap(weights, x_labels=None, y_labels=None, title=None):
    """Draw one (Lq, Lk) weight matrix as an image: keys along x, queries along y.

    Args:
        weights (Tensor[Lq, Lk]), x_labels (list of Lk str, optional), y_labels (list of Lq str,
        optional), title (str, optional).

    Returns:
        matplotlib.figure.Figure with one image of the weights (a colorbar is welcome).
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('plot_attention_heatmap')


# %% [markdown]
# ## 9. 需要注意力的任务 · A task that needs attention: key-value retrieval
#
# 每个样本是 `k1 v1 k2 v2 … kP vP q`：P 个（键, 值）对，最后是一个查询键；答案是与查询键配对的值。
# 只有“用查询去匹配键”才能解决它——这正是注意力。
# Each example is `k1 v1 k2 v2 … kP vP q`: P (key, value) pairs, then a query key; the answer is
# the value paired with the query. Matching the query against the keys is exactly attention.

# %%
class RetrievalModel(nn.Module):
    """The query attends over the (key, value) pairs; the attended vector predicts the value.

    Each pair is one position: its embedding is ``key_embed[key] + value_embed[value]``.
    """

    def __init__(self, vocab_size, d_model=64, num_heads=4):
        super().__init__()
        self.key_embed = nn.Embedding(vocab_size, d_model)
        self.value_embed = nn.Embedding(vocab_size, d_model)
        self.attn = MultiHeadAttention(d_model, num_heads)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, tokens):
        """tokens (LongTensor[B, 2P+1]) -> logits over values (Tensor[B, vocab_size])."""
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('forward')


def train_retrieval_model(inputs, targets, vocab_size, num_steps=400, batch_size=128, lr=3e-3):
    """Train a :class:`RetrievalModel` with Adam and cross-entropy on minibatches.

    Args:
        inputs (LongTensor[N, 2P+1]), targets (LongTensor[N]), vocab_size (int).

    Returns:
        (model, losses): the trained model (in eval mode) and the list of minibatch losses
        (Python floats), one per step.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('train_retrieval_model')
