"""Common mistakes in ch01_attention, as code. Names inside resolve in the reference module.

Each is a drop-in replacement for one reference definition (see autograder.checks.mistakes).
"""
# ruff: noqa: F821  (math, torch, nn and the reference's helpers resolve in the reference module)

from autograder.checks.mistakes import Catalogue

catalogue = Catalogue()


@catalogue.mistake(
    "masked_softmax",
    hint="Your weights are normalised over the query axis (dim=1), not over the keys (dim=-1).",
    hint_zh="你的权重在查询轴（dim=1）上归一化了，应在键轴（dim=-1）上归一化。")
def softmax_over_queries(X, valid_lens=None):
    if valid_lens is None:
        return torch.softmax(X, dim=1)
    B, Lq, Lk = X.shape
    if valid_lens.dim() == 1:
        valid_lens = valid_lens[:, None].expand(B, Lq)
    keep = torch.arange(Lk) < valid_lens[:, :, None]
    return torch.softmax(X.masked_fill(~keep, -1e9), dim=1) * keep


@catalogue.mistake(
    "masked_softmax",
    hint="Key position j == valid_len is still attended to: keep j < valid_len, not j <= valid_len.",
    hint_zh="位置 j == valid_len 仍然得到了权重：应保留 j < valid_len，而不是 j <= valid_len。")
def off_by_one_length(X, valid_lens=None):
    if valid_lens is None:
        return torch.softmax(X, dim=-1)
    B, Lq, Lk = X.shape
    if valid_lens.dim() == 1:
        valid_lens = valid_lens[:, None].expand(B, Lq)
    keep = torch.arange(Lk) <= valid_lens[:, :, None]
    return torch.softmax(X.masked_fill(~keep, -1e9), dim=-1) * keep


@catalogue.mistake(
    "masked_softmax",
    hint="Rows whose valid length is 0 become NaN: filling with -inf makes softmax divide 0 by 0. "
         "Fill with a large finite negative number, or zero those rows afterwards.",
    hint_zh="有效长度为 0 的行变成了 NaN：用 -inf 填充会让 softmax 出现 0/0。请用很大的有限负数填充，或事后把这些行置零。")
def minus_inf_fill(X, valid_lens=None):
    if valid_lens is None:
        return torch.softmax(X, dim=-1)
    B, Lq, Lk = X.shape
    if valid_lens.dim() == 1:
        valid_lens = valid_lens[:, None].expand(B, Lq)
    keep = torch.arange(Lk) < valid_lens[:, :, None]
    return torch.softmax(X.masked_fill(~keep, float("-inf")), dim=-1)


@catalogue.mistake(
    "masked_softmax",
    hint="You take the softmax over all keys and then zero the padded ones, so the kept weights no "
         "longer sum to 1. Mask the scores before the softmax.",
    hint_zh="你先对所有键做 softmax 再把填充位置置零，剩下的权重之和不再是 1。应在 softmax 之前对分数加掩码。")
def mask_after_softmax(X, valid_lens=None):
    weights = torch.softmax(X, dim=-1)
    if valid_lens is None:
        return weights
    B, Lq, Lk = X.shape
    if valid_lens.dim() == 1:
        valid_lens = valid_lens[:, None].expand(B, Lq)
    return weights * (torch.arange(Lk) < valid_lens[:, :, None])


@catalogue.mistake(
    "masked_softmax",
    hint="exp() of large scores overflows to inf and gives NaN: subtract each row's maximum before "
         "exponentiating (or use torch.softmax).",
    hint_zh="对很大的分数直接取 exp() 会溢出为 inf 并产生 NaN：取指数前先减去每行的最大值（或直接用 torch.softmax）。")
def naive_exp(X, valid_lens=None):
    B, Lq, Lk = X.shape
    if valid_lens is None:
        keep = torch.ones_like(X, dtype=torch.bool)
    else:
        if valid_lens.dim() == 1:
            valid_lens = valid_lens[:, None].expand(B, Lq)
        keep = torch.arange(Lk) < valid_lens[:, :, None]
    e = torch.exp(X) * keep
    return e / e.sum(dim=-1, keepdim=True).clamp_min(1e-30)


@catalogue.mistake(
    "scaled_dot_product_attention",
    hint="The scores are not divided by sqrt(d): without the scaling, large d saturates the softmax.",
    hint_zh="分数没有除以 sqrt(d)：不缩放时，d 较大会让 softmax 饱和。")
def no_scaling(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
        weights = torch.softmax(scores, dim=-1) * mask
    else:
        weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


@catalogue.mistake(
    "scaled_dot_product_attention",
    hint="The scores are divided by d, not by sqrt(d).",
    hint_zh="分数除以了 d，而不是 sqrt(d)。")
def scaled_by_d(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / q.shape[-1]
    if mask is not None:
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
        weights = torch.softmax(scores, dim=-1) * mask
    else:
        weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


@catalogue.mistake(
    "scaled_dot_product_attention",
    hint="The mask is inverted: in this assignment True means 'may attend' (nn.MultiheadAttention's "
         "attn_mask uses the opposite convention).",
    hint_zh="掩码方向反了：本作业中 True 表示“可以关注”（nn.MultiheadAttention 的 attn_mask 约定相反）。")
def inverted_mask(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(mask, torch.finfo(scores.dtype).min)
        weights = torch.softmax(scores, dim=-1) * ~mask
    else:
        weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


@catalogue.mistake(
    "scaled_dot_product_attention",
    hint="A query that may attend to no key gives NaN: a row of -inf scores has no softmax. Zero its "
         "weights instead.",
    hint_zh="不能关注任何键的查询得到了 NaN：全为 -inf 的行无法做 softmax，应把它的权重置零。")
def nan_on_fully_masked(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


@catalogue.mistake(
    "MultiHeadAttention",
    hint="Heads are split by reshaping (B, L, D) straight to (B, H, L, d_head): that mixes positions "
         "across heads. Reshape to (B, L, H, d_head) and then transpose(1, 2).",
    hint_zh="直接把 (B, L, D) reshape 成 (B, H, L, d_head) 会把不同位置混进同一个头。应先 reshape 成 (B, L, H, d_head) 再 transpose(1, 2)。")
class SplitHeadsWithoutTranspose(MultiHeadAttention):
    def split_heads(self, x):
        B, L, D = x.shape
        return x.reshape(B, self.num_heads, L, D // self.num_heads)

    def merge_heads(self, x):
        B, H, L, Dh = x.shape
        return x.reshape(B, L, H * Dh)


@catalogue.mistake(
    "MultiHeadAttention",
    hint="The output projection W_o is not applied to the concatenated heads.",
    hint_zh="拼接各头之后没有经过输出投影 W_o。")
class NoOutputProjection(MultiHeadAttention):
    def forward(self, query, key, value, mask=None):
        q, k, v = self.split_heads(self.W_q(query)), self.split_heads(self.W_k(key)), self.split_heads(self.W_v(value))
        out, weights = scaled_dot_product_attention(q, k, v, mask)
        return self.merge_heads(out), weights


@catalogue.mistake(
    "causal_mask",
    hint="Your causal mask lets position i see position i+1 (the future) or hides i itself: it should "
         "be True exactly where j <= i (torch.tril).",
    hint_zh="你的因果掩码让位置 i 看到了 i+1（未来），或者遮住了 i 自己：应恰好在 j <= i 处为 True（torch.tril）。")
def causal_sees_next(L):
    return torch.ones(L, L, dtype=torch.bool).tril(diagonal=1)


@catalogue.mistake(
    "causal_mask",
    hint="Your mask is upper-triangular: True = may attend, so the past must be True, not the future.",
    hint_zh="你的掩码是上三角的：True 表示可以关注，因此应该是过去为 True，而不是未来。")
def causal_upper(L):
    return torch.ones(L, L, dtype=torch.bool).triu()


@catalogue.mistake(
    "local_window_mask",
    hint="The window excludes its edges: use |i - j| <= window, not < window.",
    hint_zh="窗口漏掉了边界：应使用 |i - j| <= window，而不是 < window。")
def window_strict(L, window):
    i, j = torch.arange(L)[:, None], torch.arange(L)[None, :]
    return (i - j).abs() < window


@catalogue.mistake(
    "strided_mask",
    hint="Your strided mask is not causal: keys with j > i must stay hidden.",
    hint_zh="你的跨步掩码不是因果的：j > i 的键必须被遮住。")
def strided_not_causal(L, stride):
    i, j = torch.arange(L)[:, None], torch.arange(L)[None, :]
    d = (i - j).abs()
    return (d < stride) | (d % stride == 0)


@catalogue.mistake(
    "hard_attention",
    hint="The kept weights are not renormalised: take the softmax over the top-k scores only, so each "
         "row sums to 1.",
    hint_zh="保留的权重没有重新归一化：只对 top-k 的分数做 softmax，使每行之和为 1。")
def hard_not_renormalised(q, k, v, top_k=1):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    weights = torch.softmax(scores, dim=-1)
    top = scores.topk(top_k, dim=-1).indices
    keep = torch.zeros_like(scores, dtype=torch.bool).scatter(-1, top, True)
    weights = weights * keep
    return weights @ v, weights


@catalogue.mistake(
    "CrossModalAttention",
    hint="The roles are swapped: text tokens are the queries, image patches the keys and values.",
    hint_zh="角色颠倒了：文本作为查询，图像块作为键和值。")
class ImageQueriesText(CrossModalAttention):
    def forward(self, text, image):
        queries, patches = self.text_proj(text), self.image_proj(image)
        return self.attn(patches, queries, queries)


@catalogue.mistake(
    "AdditiveAttention",
    hint="The tanh is missing: the score is w_v(tanh(W_q q + W_k k)).",
    hint_zh="缺少 tanh：评分是 w_v(tanh(W_q q + W_k k))。")
class AdditiveWithoutTanh(AdditiveAttention):
    def forward(self, queries, keys, values, valid_lens=None):
        features = self.W_q(queries)[:, :, None, :] + self.W_k(keys)[:, None, :, :]
        weights = masked_softmax(self.w_v(features).squeeze(-1), valid_lens)
        return weights @ values, weights


@catalogue.mistake(
    "AdditiveAttention",
    hint="valid_lens is ignored: padded keys must get zero weight (use masked_softmax).",
    hint_zh="忽略了 valid_lens：填充的键必须得到零权重（请使用 masked_softmax）。")
class AdditiveIgnoresLengths(AdditiveAttention):
    def forward(self, queries, keys, values, valid_lens=None):
        features = torch.tanh(self.W_q(queries)[:, :, None, :] + self.W_k(keys)[:, None, :, :])
        weights = torch.softmax(self.w_v(features).squeeze(-1), dim=-1)
        return weights @ values, weights
