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
    if valid_lens is None:
        return torch.softmax(X, dim=-1)
    B, Lq, Lk = X.shape
    if valid_lens.dim() == 1:
        valid_lens = valid_lens[:, None].expand(B, Lq)                               # (B, Lq)
    keep = torch.arange(Lk, device=X.device) < valid_lens[:, :, None]               # (B, Lq, Lk)
    # The smallest finite value, not -inf: a fully masked row then becomes a uniform softmax
    # (multiplied by 0 below) instead of NaN, in the forward pass and in the backward pass.
    scores = X.masked_fill(~keep, torch.finfo(X.dtype).min)
    return torch.softmax(scores, dim=-1) * keep


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
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)

    def forward(self, queries, keys, values, valid_lens=None):
        """
        Args:
            queries (Tensor[B, Lq, query_size]), keys (Tensor[B, Lk, key_size]),
            values (Tensor[B, Lk, Dv]), valid_lens (Tensor[B] or Tensor[B, Lq], optional).

        Returns:
            (out, weights): out (Tensor[B, Lq, Dv]), weights (Tensor[B, Lq, Lk]).
        """
        q, k = self.W_q(queries), self.W_k(keys)                  # (B, Lq, H), (B, Lk, H)
        features = torch.tanh(q[:, :, None, :] + k[:, None, :, :])  # (B, Lq, Lk, H)
        scores = self.w_v(features).squeeze(-1)                    # (B, Lq, Lk)
        weights = masked_softmax(scores, valid_lens)
        return weights @ values, weights


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
    d = q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)            # (..., Lq, Lk)
    if mask is not None:
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
        weights = torch.softmax(scores, dim=-1) * mask
    else:
        weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


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
        if d_model % num_heads != 0:
            raise ValueError(f"d_model={d_model} is not divisible by num_heads={num_heads}")
        self.num_heads = num_heads
        self.W_q = nn.Linear(d_model, d_model, bias=bias)
        self.W_k = nn.Linear(d_model, d_model, bias=bias)
        self.W_v = nn.Linear(d_model, d_model, bias=bias)
        self.W_o = nn.Linear(d_model, d_model, bias=bias)

    def forward(self, query, key, value, mask=None):
        """
        Args:
            query (Tensor[B, Lq, d_model]), key and value (Tensor[B, Lk, d_model]).
            mask (BoolTensor broadcastable to [B, num_heads, Lq, Lk], optional): True = may attend.

        Returns:
            (out, weights): out (Tensor[B, Lq, d_model]), weights (Tensor[B, num_heads, Lq, Lk]).
        """
        q = self.split_heads(self.W_q(query))                       # (B, H, Lq, Dh)
        k = self.split_heads(self.W_k(key))                         # (B, H, Lk, Dh)
        v = self.split_heads(self.W_v(value))                       # (B, H, Lk, Dh)
        out, weights = scaled_dot_product_attention(q, k, v, mask)  # (B, H, Lq, Dh)
        return self.W_o(self.merge_heads(out)), weights

    def split_heads(self, x):
        """(B, L, d_model) -> (B, num_heads, L, d_head)."""
        B, L, D = x.shape
        x = x.reshape(B, L, self.num_heads, D // self.num_heads)   # (B, L, H, Dh)
        return x.transpose(1, 2)                                    # (B, H, L, Dh)

    def merge_heads(self, x):
        """(B, num_heads, L, d_head) -> (B, L, d_model)."""
        B, H, L, Dh = x.shape
        return x.transpose(1, 2).reshape(B, L, H * Dh)              # (B, L, D)


# %% [markdown]
# ## 5. 稀疏注意力掩码 · Sparse attention masks
#
# 返回 (L, L) 的布尔矩阵，True 表示第 i 个查询可以关注第 j 个键。
# Each returns a bool (L, L) matrix; True where query i may attend to key j.

# %%
def causal_mask(L):
    """True where ``j <= i``: a position sees itself and the past, never the future."""
    i = torch.arange(L)[:, None]
    j = torch.arange(L)[None, :]
    return j <= i


def local_window_mask(L, window):
    """True where ``|i - j| <= window`` (a band around the diagonal, both directions)."""
    i = torch.arange(L)[:, None]
    j = torch.arange(L)[None, :]
    return (i - j).abs() <= window


def strided_mask(L, stride):
    """Sparse Transformer's strided pattern, causal: True where ``j <= i`` and
    (``i - j < stride`` or ``(i - j) % stride == 0``)."""
    i = torch.arange(L)[:, None]
    j = torch.arange(L)[None, :]
    distance = i - j
    return (distance >= 0) & ((distance < stride) | (distance % stride == 0))


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
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])   # (..., Lq, Lk)
    top = scores.topk(top_k, dim=-1).indices                     # (..., Lq, top_k)
    keep = torch.zeros_like(scores, dtype=torch.bool).scatter(-1, top, True)
    weights = torch.softmax(scores.masked_fill(~keep, torch.finfo(scores.dtype).min), dim=-1) * keep
    return weights @ v, weights


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
        self.text_proj = nn.Linear(text_dim, d_model)
        self.image_proj = nn.Linear(image_dim, d_model)
        self.attn = MultiHeadAttention(d_model, num_heads)

    def forward(self, text, image):
        """
        Args:
            text (Tensor[B, Lt, text_dim]), image (Tensor[B, Np, image_dim]).

        Returns:
            (out, weights): out (Tensor[B, Lt, d_model]), weights (Tensor[B, num_heads, Lt, Np]).
        """
        queries = self.text_proj(text)                 # (B, Lt, d_model)
        patches = self.image_proj(image)               # (B, Np, d_model)
        return self.attn(queries, patches, patches)


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
    fig, ax = plt.subplots(figsize=(4, 4))
    image = ax.imshow(weights.detach().cpu().numpy(), cmap="viridis")
    if x_labels is not None:
        ax.set_xticks(range(len(x_labels)), labels=x_labels, rotation=90)
    if y_labels is not None:
        ax.set_yticks(range(len(y_labels)), labels=y_labels)
    ax.set_xlabel("keys")
    ax.set_ylabel("queries")
    if title is not None:
        ax.set_title(title)
    fig.colorbar(image, ax=ax)
    return fig


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
        keys, values, query = tokens[:, 0:-1:2], tokens[:, 1:-1:2], tokens[:, -1:]  # (B, P), (B, P), (B, 1)
        pairs = self.key_embed(keys) + self.value_embed(values)                     # (B, P, D)
        q = self.key_embed(query)                                                   # (B, 1, D)
        attended, _ = self.attn(q, pairs, pairs)                                    # (B, 1, D)
        return self.head(attended.squeeze(1))                                      # (B, V)


def train_retrieval_model(inputs, targets, vocab_size, num_steps=400, batch_size=128, lr=3e-3):
    """Train a :class:`RetrievalModel` with Adam and cross-entropy on minibatches.

    Args:
        inputs (LongTensor[N, 2P+1]), targets (LongTensor[N]), vocab_size (int).

    Returns:
        (model, losses): the trained model (in eval mode) and the list of minibatch losses
        (Python floats), one per step.
    """
    model = RetrievalModel(vocab_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for step in range(num_steps):
        batch = torch.randint(0, len(inputs), (batch_size,))
        loss = nn.functional.cross_entropy(model(inputs[batch]), targets[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model.eval(), losses
