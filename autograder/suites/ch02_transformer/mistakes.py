"""Common mistakes in ch02_transformer, as code. Names inside resolve in the reference module.

Each is a drop-in replacement for one reference definition (see autograder.checks.mistakes); a
subclass of a reference class overrides one method and keeps its parameters, so that a module with
the mistake still loads the reference's weights.
"""
# ruff: noqa: F821  (math, torch, nn, F and the reference's names resolve in the reference module)

from autograder.checks.mistakes import Catalogue

catalogue = Catalogue()


# -- positions -----------------------------------------------------------------------------------

@catalogue.mistake(
    "sinusoidal_positional_encoding",
    hint="sin and cos are swapped: even columns 2i hold sin(pos / 10000^(2i/d)), odd columns 2i+1 the cosine.",
    hint_zh="sin 与 cos 放反了：偶数列 2i 是 sin(pos / 10000^(2i/d))，奇数列 2i+1 才是 cos。")
def sin_cos_swapped(max_len, d_model):
    if d_model < 2 or d_model % 2 != 0:
        raise ValueError(f"d_model must be an even number >= 2, got {d_model}")
    position = torch.arange(max_len, dtype=torch.float64)[:, None]
    angle = position / 10000.0 ** (torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    pe = torch.empty(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.cos(angle)
    pe[:, 1::2] = torch.sin(angle)
    return pe.float()


@catalogue.mistake(
    "sinusoidal_positional_encoding",
    hint="The frequency of the pair (2i, 2i+1) uses 10000^(i/d): the exponent is 2i/d, where 2i is the even "
         "column index (torch.arange(0, d_model, 2)).",
    hint_zh="第 (2i, 2i+1) 列的频率用成了 10000^(i/d)：指数应是 2i/d，2i 是偶数列的下标（torch.arange(0, d_model, 2)）。")
def exponent_uses_pair_index(max_len, d_model):
    if d_model < 2 or d_model % 2 != 0:
        raise ValueError(f"d_model must be an even number >= 2, got {d_model}")
    position = torch.arange(max_len, dtype=torch.float64)[:, None]
    angle = position / 10000.0 ** (torch.arange(d_model // 2, dtype=torch.float64) / d_model)
    pe = torch.empty(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe.float()


@catalogue.mistake(
    "sinusoidal_positional_encoding",
    hint="The sines fill the first half of the columns and the cosines the second: this assignment interleaves "
         "them (column 2i is a sine, column 2i+1 the cosine of the same angle).",
    hint_zh="你把 sin 放在前一半列、cos 放在后一半列：本作业要求交错排列（第 2i 列是 sin，第 2i+1 列是同一角度的 cos）。")
def sin_cos_halves(max_len, d_model):
    if d_model < 2 or d_model % 2 != 0:
        raise ValueError(f"d_model must be an even number >= 2, got {d_model}")
    position = torch.arange(max_len, dtype=torch.float64)[:, None]
    angle = position / 10000.0 ** (torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    return torch.cat([torch.sin(angle), torch.cos(angle)], dim=1).float()


# -- LayerNorm and FFN ---------------------------------------------------------------------------

@catalogue.mistake(
    "LayerNorm",
    hint="The statistics are taken over the sequence axis (dim=-2), as a BatchNorm over time would: LayerNorm "
         "normalises each position's feature vector, over the last axis (dim=-1).",
    hint_zh="你在序列轴（dim=-2）上求均值和方差，像是沿时间做 BatchNorm：LayerNorm 对每个位置的特征向量、沿最后一维（dim=-1）归一化。")
class NormalisesOverPositions(LayerNorm):
    def forward(self, x):
        mean = x.mean(dim=-2, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=-2, keepdim=True)
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


@catalogue.mistake(
    "LayerNorm",
    hint="The variance is the unbiased one (divided by d - 1, torch.var's default): LayerNorm uses the biased "
         "variance, divided by d (x.var(dim=-1, unbiased=False)).",
    hint_zh="你用了无偏方差（除以 d-1，torch.var 的默认值）：LayerNorm 用有偏方差，除以 d（x.var(dim=-1, unbiased=False)）。")
class UnbiasedVariance(LayerNorm):
    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, keepdim=True)
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


@catalogue.mistake(
    "LayerNorm",
    hint="eps is added to the standard deviation: divide by sqrt(var + eps), not sqrt(var) + eps (it matters when "
         "the variance is close to eps).",
    hint_zh="eps 加在了标准差上：应除以 sqrt(var + eps)，而不是 sqrt(var) + eps（方差接近 eps 时差别很大）。")
class EpsOutsideTheRoot(LayerNorm):
    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
        return (x - mean) / (torch.sqrt(var) + self.eps) * self.weight + self.bias


@catalogue.mistake(
    "PositionwiseFFN",
    hint="A ReLU is applied to the output too: the FFN is linear2(ReLU(linear1(x))), with no activation after "
         "linear2 (its output must be able to go negative).",
    hint_zh="输出端也做了 ReLU：FFN 是 linear2(ReLU(linear1(x)))，linear2 之后没有激活函数（输出应能为负）。")
class ReluOnTheOutput(PositionwiseFFN):
    def forward(self, x):
        return torch.relu(self.linear2(self.dropout(torch.relu(self.linear1(x)))))


# -- attention -----------------------------------------------------------------------------------

@catalogue.mistake(
    "scaled_dot_product_attention",
    hint="The scores are not divided by sqrt(d).",
    hint_zh="分数没有除以 sqrt(d)。")
def attention_without_scaling(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1)
    if mask is None:
        weights = torch.softmax(scores, dim=-1)
    else:
        weights = torch.softmax(scores.masked_fill(~mask, torch.finfo(scores.dtype).min), dim=-1) * mask
    return weights @ v, weights


@catalogue.mistake(
    "MultiHeadAttention",
    hint="Heads are split by reshaping (B, L, D) straight to (B, H, L, d_head), which mixes positions across "
         "heads: reshape to (B, L, H, d_head), then transpose(1, 2).",
    hint_zh="直接把 (B, L, D) reshape 成 (B, H, L, d_head) 会把不同位置混进同一个头：应先 reshape 成 (B, L, H, d_head) 再 transpose(1, 2)。")
class HeadsWithoutTranspose(MultiHeadAttention):
    def forward(self, query, key, value, mask=None):
        B, Lq, D = query.shape
        H = self.num_heads
        q = self.W_q(query).reshape(B, H, Lq, D // H)
        k = self.W_k(key).reshape(B, H, key.shape[1], D // H)
        v = self.W_v(value).reshape(B, H, value.shape[1], D // H)
        out, weights = scaled_dot_product_attention(q, k, v, mask)
        return self.W_o(out.reshape(B, Lq, D)), weights


# -- masks ---------------------------------------------------------------------------------------

@catalogue.mistake(
    "padding_mask",
    hint="The mask has shape (B, 1, L, 1), so it hides padded queries instead of padded keys: padding must be "
         "hidden along the key axis, shape (B, 1, 1, L).",
    hint_zh="掩码形状是 (B, 1, L, 1)，遮住的是填充的查询而不是填充的键：应沿键的轴遮住填充位置，形状 (B, 1, 1, L)。")
def padding_on_queries(tokens, pad_id=PAD):
    return (tokens != pad_id)[:, None, :, None]


@catalogue.mistake(
    "padding_mask",
    hint="The mask is True on the padding: in this assignment True means 'may attend', so real tokens are True.",
    hint_zh="掩码在填充位置为 True：本作业中 True 表示“可以关注”，真实词元才是 True。")
def padding_inverted(tokens, pad_id=PAD):
    return (tokens == pad_id)[:, None, None, :]


@catalogue.mistake(
    "causal_mask",
    hint="Your causal mask lets position i see position i+1 (the future): it must be True exactly where j <= i "
         "(torch.tril, diagonal 0).",
    hint_zh="你的因果掩码让位置 i 看到了 i+1（未来）：应恰好在 j <= i 处为 True（torch.tril，diagonal=0）。")
def causal_sees_next(L, device=None):
    return torch.ones(L, L, dtype=torch.bool, device=device).tril(diagonal=1)


@catalogue.mistake(
    "causal_mask",
    hint="Your mask is upper-triangular: True = may attend, so the past (j <= i) must be True, not the future.",
    hint_zh="你的掩码是上三角的：True 表示可以关注，因此过去（j <= i）应为 True，而不是未来。")
def causal_upper(L, device=None):
    return torch.ones(L, L, dtype=torch.bool, device=device).triu()


@catalogue.mistake(
    "target_mask",
    hint="The causal and padding masks are combined with 'or': a position may attend only where both allow it "
         "(padding_mask & causal_mask).",
    hint_zh="因果掩码和填充掩码用“或”合并了：只有两者都允许时才能关注（padding_mask & causal_mask）。")
def target_mask_or(tokens, pad_id=PAD):
    return padding_mask(tokens, pad_id) | causal_mask(tokens.shape[1], device=tokens.device)


@catalogue.mistake(
    "target_mask",
    hint="The target mask is causal only: padded target positions must be hidden as keys too.",
    hint_zh="目标掩码只有因果部分：被填充的目标位置作为键也必须被遮住。")
def target_mask_without_padding(tokens, pad_id=PAD):
    B, L = tokens.shape
    return causal_mask(L, device=tokens.device).expand(B, 1, L, L)


# -- encoder layer -------------------------------------------------------------------------------

@catalogue.mistake(
    "TransformerEncoderLayer",
    hint="norm_first is ignored: with norm_first=True the layer must be Pre-LN, x + f(LN(x)).",
    hint_zh="忽略了 norm_first：norm_first=True 时应为 Pre-LN，即 x + f(LN(x))。")
class EncoderIgnoresNormFirst(TransformerEncoderLayer):
    def forward(self, x, mask=None):
        x = self.norm1(x + self.dropout1(self.self_attn(x, x, x, mask)[0]))
        return self.norm2(x + self.dropout2(self.ffn(x)))


@catalogue.mistake(
    "TransformerEncoderLayer",
    hint="In Pre-LN the residual carries the normalised x: keep the input on the residual path, "
         "x = x + f(LN(x)), and feed LN(x) to the sublayer only.",
    hint_zh="Pre-LN 中残差连接用了归一化后的 x：残差路径应保留原输入，x = x + f(LN(x))，LN(x) 只送入子层。")
class PreLNResidualFromNormalised(TransformerEncoderLayer):
    def forward(self, x, mask=None):
        if self.norm_first:
            x = self.norm1(x)
            x = x + self.dropout1(self.self_attn(x, x, x, mask)[0])
            x = self.norm2(x)
            return x + self.dropout2(self.ffn(x))
        x = self.norm1(x + self.dropout1(self.self_attn(x, x, x, mask)[0]))
        return self.norm2(x + self.dropout2(self.ffn(x)))


@catalogue.mistake(
    "TransformerEncoderLayer",
    hint="Post-LN normalises the sum: x = LN(x + f(x)), not x + LN(f(x)).",
    hint_zh="Post-LN 归一化的是残差之和：x = LN(x + f(x))，而不是 x + LN(f(x))。")
class PostLNNormalisesSublayerOnly(TransformerEncoderLayer):
    def forward(self, x, mask=None):
        if self.norm_first:
            h = self.norm1(x)
            x = x + self.dropout1(self.self_attn(h, h, h, mask)[0])
            return x + self.dropout2(self.ffn(self.norm2(x)))
        x = x + self.norm1(self.dropout1(self.self_attn(x, x, x, mask)[0]))
        return x + self.norm2(self.dropout2(self.ffn(x)))


@catalogue.mistake(
    "TransformerEncoderLayer",
    hint="The FFN reads the layer's input instead of the output of the attention sublayer: the two sublayers are "
         "applied one after the other.",
    hint_zh="前馈网络读入的是层的输入，而不是注意力子层的输出：两个子层应依次作用。")
class FFNReadsLayerInput(TransformerEncoderLayer):
    def forward(self, x, mask=None):
        if self.norm_first:
            h = self.norm1(x)
            y = x + self.dropout1(self.self_attn(h, h, h, mask)[0])
            return y + self.dropout2(self.ffn(self.norm2(x)))
        y = self.norm1(x + self.dropout1(self.self_attn(x, x, x, mask)[0]))
        return self.norm2(y + self.dropout2(self.ffn(x)))


@catalogue.mistake(
    "TransformerEncoderLayer",
    hint="The mask is not passed to the self-attention, so padded positions are attended to.",
    hint_zh="掩码没有传给自注意力，填充位置仍被关注。")
class EncoderIgnoresMask(TransformerEncoderLayer):
    def forward(self, x, mask=None):
        return super().forward(x, None)


@catalogue.mistake(
    "TransformerEncoderLayer",
    hint="No dropout is applied to the sublayer outputs in training mode (dropout1/dropout2 before each residual "
         "sum).",
    hint_zh="训练模式下子层输出没有做 dropout（每次残差相加之前都应有 dropout）。")
class EncoderWithoutDropout(TransformerEncoderLayer):
    def forward(self, x, mask=None):
        was_training = self.training
        self.eval()
        try:
            return super().forward(x, mask)
        finally:
            self.train(was_training)


# -- decoder layer -------------------------------------------------------------------------------

@catalogue.mistake(
    "TransformerDecoderLayer",
    hint="The cross-attention ignores the encoder: its keys and values must be the encoder's output `memory` "
         "(queries from the decoder).",
    hint_zh="交叉注意力没有用到编码器：它的键和值必须是编码器输出 memory（查询来自解码器）。")
class CrossAttentionIgnoresMemory(TransformerDecoderLayer):
    def forward(self, x, memory, tgt_mask=None, memory_mask=None):
        return super().forward(x, x, tgt_mask, memory_mask)


@catalogue.mistake(
    "TransformerDecoderLayer",
    hint="The two masks are swapped: tgt_mask (causal) goes to the self-attention, memory_mask (source padding) "
         "to the cross-attention.",
    hint_zh="两个掩码用反了：tgt_mask（因果）用于自注意力，memory_mask（源序列填充）用于交叉注意力。")
class DecoderMasksSwapped(TransformerDecoderLayer):
    def forward(self, x, memory, tgt_mask=None, memory_mask=None):
        return super().forward(x, memory, memory_mask, tgt_mask)


@catalogue.mistake(
    "TransformerDecoderLayer",
    hint="norm_first is ignored in the decoder: with norm_first=True each sublayer is x + f(LN(x)).",
    hint_zh="解码器忽略了 norm_first：norm_first=True 时每个子层都是 x + f(LN(x))。")
class DecoderIgnoresNormFirst(TransformerDecoderLayer):
    def forward(self, x, memory, tgt_mask=None, memory_mask=None):
        x = self.norm1(x + self.dropout1(self.self_attn(x, x, x, tgt_mask)[0]))
        x = self.norm2(x + self.dropout2(self.cross_attn(x, memory, memory, memory_mask)[0]))
        return self.norm3(x + self.dropout3(self.ffn(x)))


# -- encoder stack -------------------------------------------------------------------------------

@catalogue.mistake(
    "TransformerEncoder",
    hint="A Pre-LN stack needs the final LayerNorm (`norm`) after the last layer: its residual path is never "
         "normalised otherwise.",
    hint_zh="Pre-LN 的堆叠在最后一层之后需要一个 LayerNorm（norm）：否则残差路径从未被归一化。")
class PreLNWithoutFinalNorm(TransformerEncoder):
    def forward(self, x, mask=None):
        for layer in self.layers:
            x = layer(x, mask)
        return x


@catalogue.mistake(
    "TransformerEncoder",
    hint="All layers are one and the same module ([layer] * num_layers shares its weights): build a new "
         "TransformerEncoderLayer for each position in the stack.",
    hint_zh="所有层是同一个模块（[layer] * num_layers 会共享权重）：每一层都要新建一个 TransformerEncoderLayer。")
class LayersShareWeights(TransformerEncoder):
    def __init__(self, num_layers, d_model, num_heads, d_ff, dropout=0.1, norm_first=False):
        super().__init__(num_layers, d_model, num_heads, d_ff, dropout, norm_first)
        self.layers = nn.ModuleList([TransformerEncoderLayer(d_model, num_heads, d_ff, dropout, norm_first)] * num_layers)


# -- label smoothing -----------------------------------------------------------------------------

@catalogue.mistake(
    "label_smoothed_cross_entropy",
    hint="The smoothing mass is spread over the C - 1 wrong classes only: here (as in F.cross_entropy's "
         "label_smoothing) it is spread over all C classes, the true one included: eps/C each.",
    hint_zh="你把平滑质量只分给了 C-1 个错误类别：本作业（与 F.cross_entropy 的 label_smoothing 相同）分给全部 C 个类别，包括正确类，每个 eps/C。")
def smoothing_over_wrong_classes(logits, targets, smoothing=0.1, ignore_index=IGNORE_INDEX):
    log_probs = torch.log_softmax(logits, dim=-1)
    keep = targets != ignore_index
    safe = targets.masked_fill(~keep, 0)
    nll = -log_probs.gather(-1, safe[..., None]).squeeze(-1)
    others = (-log_probs.sum(dim=-1) - nll) / (logits.shape[-1] - 1)
    loss = (1 - smoothing) * nll + smoothing * others
    return loss.masked_fill(~keep, 0.0).sum() / keep.sum().clamp_min(1)


@catalogue.mistake(
    "label_smoothed_cross_entropy",
    hint="The mean counts the ignored positions too: divide by the number of positions whose target is not "
         "ignore_index.",
    hint_zh="求平均时把被忽略的位置也算进去了：应除以目标不等于 ignore_index 的位置个数。")
def mean_counts_ignored(logits, targets, smoothing=0.1, ignore_index=IGNORE_INDEX):
    log_probs = torch.log_softmax(logits, dim=-1)
    keep = targets != ignore_index
    safe = targets.masked_fill(~keep, 0)
    nll = -log_probs.gather(-1, safe[..., None]).squeeze(-1)
    loss = (1 - smoothing) * nll + smoothing * -log_probs.mean(dim=-1)
    return loss.masked_fill(~keep, 0.0).sum() / targets.numel()


@catalogue.mistake(
    "label_smoothed_cross_entropy",
    hint="log(softmax(x)) underflows to log(0) = -inf for large logits: use torch.log_softmax (log-sum-exp).",
    hint_zh="log(softmax(x)) 在 logits 很大时会下溢为 log(0) = -inf：请用 torch.log_softmax（log-sum-exp）。")
def log_of_softmax(logits, targets, smoothing=0.1, ignore_index=IGNORE_INDEX):
    log_probs = torch.log(torch.softmax(logits, dim=-1))
    keep = targets != ignore_index
    safe = targets.masked_fill(~keep, 0)
    nll = -log_probs.gather(-1, safe[..., None]).squeeze(-1)
    loss = (1 - smoothing) * nll + smoothing * -log_probs.mean(dim=-1)
    return loss.masked_fill(~keep, 0.0).sum() / keep.sum().clamp_min(1)


@catalogue.mistake(
    "label_smoothed_cross_entropy",
    hint="The smoothing term sums -log p_c over the classes: each class gets eps/C, so it is eps times the mean "
         "over classes.",
    hint_zh="平滑项对各类别的 -log p_c 求了和：每个类别分到 eps/C，所以应是 eps 乘以对类别的平均。")
def smoothing_term_summed(logits, targets, smoothing=0.1, ignore_index=IGNORE_INDEX):
    log_probs = torch.log_softmax(logits, dim=-1)
    keep = targets != ignore_index
    safe = targets.masked_fill(~keep, 0)
    nll = -log_probs.gather(-1, safe[..., None]).squeeze(-1)
    loss = (1 - smoothing) * nll + smoothing * -log_probs.sum(dim=-1)
    return loss.masked_fill(~keep, 0.0).sum() / keep.sum().clamp_min(1)


# -- BERT ----------------------------------------------------------------------------------------

@catalogue.mistake(
    "bert_input",
    hint="The first [SEP] belongs to sentence A: segment 0 runs through it, segment 1 starts with b.",
    hint_zh="第一个 [SEP] 属于句子 A：段编号 0 一直到它为止，段编号 1 从 b 开始。")
def first_sep_in_segment_b(tokens_a, tokens_b=None):
    cls, sep = tokens_a.new_tensor([CLS]), tokens_a.new_tensor([SEP])
    first = torch.cat([cls, tokens_a])
    if tokens_b is None:
        tokens = torch.cat([first, sep])
        return tokens, torch.zeros_like(tokens)
    second = torch.cat([sep, tokens_b, sep])
    return torch.cat([first, second]), torch.cat([torch.zeros_like(first), torch.ones_like(second)])


@catalogue.mistake(
    "bert_input",
    hint="The pair must end with [SEP] too: [CLS] a [SEP] b [SEP].",
    hint_zh="句子对的末尾也要有 [SEP]：[CLS] a [SEP] b [SEP]。")
def no_final_sep(tokens_a, tokens_b=None):
    cls, sep = tokens_a.new_tensor([CLS]), tokens_a.new_tensor([SEP])
    tokens = torch.cat([cls, tokens_a, sep])
    segments = torch.zeros_like(tokens)
    if tokens_b is not None:
        tokens = torch.cat([tokens, tokens_b])
        segments = torch.cat([segments, torch.ones_like(tokens_b)])
    return tokens, segments


@catalogue.mistake(
    "BERTEmbedding",
    hint="The segment embedding is not added: BERT's input is token + segment + position embedding.",
    hint_zh="没有加上段嵌入：BERT 的输入是词嵌入 + 段嵌入 + 位置嵌入。")
class EmbeddingWithoutSegments(BERTEmbedding):
    def forward(self, tokens, segments):
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        return self.norm(self.token(tokens) + self.position(positions))


@catalogue.mistake(
    "BERTEmbedding",
    hint="Positions are counted from 1: the first token uses row 0 of the position embedding.",
    hint_zh="位置从 1 开始计数了：第一个词元使用位置嵌入的第 0 行。")
class PositionsFromOne(BERTEmbedding):
    def forward(self, tokens, segments):
        positions = torch.arange(1, tokens.shape[1] + 1, device=tokens.device)
        return self.norm(self.token(tokens) + self.segment(segments) + self.position(positions))


@catalogue.mistake(
    "mask_tokens",
    hint="Special tokens ([PAD], [CLS], [SEP], [MASK], ids < NUM_SPECIAL) are selected too: only regular "
         "tokens may be masked.",
    hint_zh="特殊词元（[PAD]、[CLS]、[SEP]、[MASK]，id < NUM_SPECIAL）也被选中了：只有普通词元可以被掩码。")
def masks_special_tokens(tokens, vocab_size, mask_prob=0.15):
    selected = torch.rand(tokens.shape, device=tokens.device) < mask_prob
    labels = tokens.masked_fill(~selected, IGNORE_INDEX)
    action = torch.rand(tokens.shape, device=tokens.device)
    random_tokens = torch.randint(NUM_SPECIAL, vocab_size, tokens.shape, device=tokens.device)
    inputs = tokens.masked_fill(selected & (action < 0.8), MASK)
    return torch.where(selected & (action >= 0.8) & (action < 0.9), random_tokens, inputs), labels


@catalogue.mistake(
    "mask_tokens",
    hint="Every selected token becomes [MASK]: BERT's rule is 80% [MASK], 10% a random token, 10% unchanged.",
    hint_zh="每个被选中的词元都换成了 [MASK]：BERT 的规则是 80% 换成 [MASK]、10% 换成随机词元、10% 保持不变。")
def always_mask_token(tokens, vocab_size, mask_prob=0.15):
    selected = (torch.rand(tokens.shape, device=tokens.device) < mask_prob) & (tokens >= NUM_SPECIAL)
    return tokens.masked_fill(selected, MASK), tokens.masked_fill(~selected, IGNORE_INDEX)


@catalogue.mistake(
    "mask_tokens",
    hint="Every position gets a label: positions that were not selected must be labelled IGNORE_INDEX (-100) so "
         "the loss leaves them out.",
    hint_zh="每个位置都有标签：未被选中的位置标签应为 IGNORE_INDEX（-100），使损失忽略它们。")
def labels_everywhere(tokens, vocab_size, mask_prob=0.15):
    selected = (torch.rand(tokens.shape, device=tokens.device) < mask_prob) & (tokens >= NUM_SPECIAL)
    action = torch.rand(tokens.shape, device=tokens.device)
    random_tokens = torch.randint(NUM_SPECIAL, vocab_size, tokens.shape, device=tokens.device)
    inputs = tokens.masked_fill(selected & (action < 0.8), MASK)
    return torch.where(selected & (action >= 0.8) & (action < 0.9), random_tokens, inputs), tokens.clone()


@catalogue.mistake(
    "mask_tokens",
    hint="Random replacements are drawn from the whole vocabulary, special ids included: draw them from the "
         "regular ids, torch.randint(NUM_SPECIAL, vocab_size, ...).",
    hint_zh="随机替换从整个词表中抽取，包含了特殊 id：应从普通词元中抽取，torch.randint(NUM_SPECIAL, vocab_size, ...)。")
def random_from_full_vocabulary(tokens, vocab_size, mask_prob=0.15):
    selected = (torch.rand(tokens.shape, device=tokens.device) < mask_prob) & (tokens >= NUM_SPECIAL)
    labels = tokens.masked_fill(~selected, IGNORE_INDEX)
    action = torch.rand(tokens.shape, device=tokens.device)
    random_tokens = torch.randint(0, vocab_size, tokens.shape, device=tokens.device)
    inputs = tokens.masked_fill(selected & (action < 0.8), MASK)
    return torch.where(selected & (action >= 0.8) & (action < 0.9), random_tokens, inputs), labels


@catalogue.mistake(
    "nsp_pairs",
    hint="A NotNext example may draw the true next sentence: draw the random sentence among the indices other "
         "than i + 1.",
    hint_zh="NotNext 样本可能抽到真正的下一句：随机句子应从 i+1 以外的下标中抽取。")
def random_may_be_next(sentences):
    n = len(sentences)
    if n < 2:
        raise ValueError(f"need at least 2 sentences, got {n}")
    pairs = []
    for i in range(n - 1):
        if torch.rand(()).item() < 0.5:
            pairs.append((sentences[i], sentences[i + 1], True))
        else:
            pairs.append((sentences[i], sentences[int(torch.randint(n, ()))], False))
    return pairs


@catalogue.mistake(
    "nsp_pairs",
    hint="is_next is inverted: it is True when b is the true next sentence.",
    hint_zh="is_next 反了：当 b 是真正的下一句时它为 True。")
def nsp_labels_inverted(sentences):
    n = len(sentences)
    if n < 2:
        raise ValueError(f"need at least 2 sentences, got {n}")
    pairs = []
    for i in range(n - 1):
        if torch.rand(()).item() < 0.5:
            pairs.append((sentences[i], sentences[i + 1], False))
        else:
            j = int(torch.randint(n - 1, ()))
            pairs.append((sentences[i], sentences[j + 1 if j >= i + 1 else j], True))
    return pairs


# -- GPT -----------------------------------------------------------------------------------------

@catalogue.mistake(
    "GPTBlock",
    hint="The block's self-attention is not causal: pass causal_mask(L, device=x.device) so position i sees "
         "only j <= i.",
    hint_zh="块中的自注意力不是因果的：传入 causal_mask(L, device=x.device)，使位置 i 只能看到 j <= i。")
class BlockNotCausal(GPTBlock):
    def forward(self, x):
        return TransformerEncoderLayer.forward(self, x, None)


@catalogue.mistake(
    "GPTBlock",
    hint="The block is Post-LN: GPT blocks are Pre-LN, x = x + attn(LN(x)), then x = x + FFN(LN(x)).",
    hint_zh="块是 Post-LN 的：GPT 的块是 Pre-LN，x = x + attn(LN(x))，再 x = x + FFN(LN(x))。")
class BlockPostLN(GPTBlock):
    def forward(self, x):
        mask = causal_mask(x.shape[1], device=x.device)
        x = self.norm1(x + self.dropout1(self.self_attn(x, x, x, mask)[0]))
        return self.norm2(x + self.dropout2(self.ffn(x)))


@catalogue.mistake(
    "GPT",
    hint="The final LayerNorm (`norm`) is not applied before lm_head: with Pre-LN blocks the last hidden state "
         "is not normalised otherwise.",
    hint_zh="lm_head 之前没有做最后的 LayerNorm（norm）：Pre-LN 的块输出本身没有被归一化。")
class GPTWithoutFinalNorm(GPT):
    def forward(self, idx):
        positions = torch.arange(idx.shape[1], device=idx.device)
        x = self.dropout(self.token_embedding(idx) + self.position_embedding(positions))
        for block in self.blocks:
            x = block(x)
        return self.lm_head(x)


@catalogue.mistake(
    "GPT",
    hint="All blocks are one and the same module ([block] * num_layers shares its weights): build a new GPTBlock "
         "for each layer.",
    hint_zh="所有块是同一个模块（[block] * num_layers 会共享权重）：每一层都要新建一个 GPTBlock。")
class GPTBlocksShareWeights(GPT):
    def __init__(self, vocab_size, block_size, d_model=64, num_heads=4, num_layers=2, dropout=0.0):
        super().__init__(vocab_size, block_size, d_model, num_heads, num_layers, dropout)
        self.blocks = nn.ModuleList([GPTBlock(d_model, num_heads, 4 * d_model, dropout)] * num_layers)


@catalogue.mistake(
    "sample_next_token",
    hint="The logits are multiplied by the temperature: divide them (T < 1 sharpens the distribution, T > 1 "
         "flattens it).",
    hint_zh="logits 乘以了温度：应除以温度（T < 1 使分布更尖锐，T > 1 更平坦）。")
def temperature_multiplies(logits, temperature=1.0, top_k=None):
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if temperature == 0:
        return logits.argmax(dim=-1)
    logits = logits * temperature
    if top_k is not None:
        kth = logits.topk(min(top_k, logits.shape[-1]), dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    return torch.multinomial(torch.softmax(logits, dim=-1), num_samples=1).squeeze(-1)


@catalogue.mistake(
    "sample_next_token",
    hint="The temperature is ignored when sampling: draw from softmax(logits / temperature).",
    hint_zh="采样时忽略了温度：应从 softmax(logits / temperature) 中抽取。")
def temperature_ignored(logits, temperature=1.0, top_k=None):
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if temperature == 0:
        return logits.argmax(dim=-1)
    if top_k is not None:
        kth = logits.topk(min(top_k, logits.shape[-1]), dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    return torch.multinomial(torch.softmax(logits, dim=-1), num_samples=1).squeeze(-1)


@catalogue.mistake(
    "sample_next_token",
    hint="Top-k drops the k-th best token (logits <= kth value are removed): keep every logit >= the k-th "
         "largest, i.e. remove only those strictly smaller.",
    hint_zh="top-k 把第 k 大的词元也去掉了（删掉了 <= 第 k 大值的 logits）：应保留所有 >= 第 k 大值的 logits，只删掉严格更小的。")
def top_k_drops_kth(logits, temperature=1.0, top_k=None):
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if temperature == 0:
        return logits.argmax(dim=-1)
    logits = logits / temperature
    if top_k is not None:
        kth = logits.topk(min(top_k, logits.shape[-1]), dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits <= kth, float("-inf"))
    return torch.multinomial(torch.softmax(logits, dim=-1), num_samples=1).squeeze(-1)


@catalogue.mistake(
    "generate",
    hint="The next token is predicted from the logits of the first position: use the last one, "
         "model(context)[:, -1, :].",
    hint_zh="下一个词元用的是第一个位置的 logits：应使用最后一个位置，model(context)[:, -1, :]。")
def generate_from_first_position(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    for _ in range(max_new_tokens):
        logits = model(idx[:, -model.block_size:])[:, 0, :]
        idx = torch.cat([idx, sample_next_token(logits, temperature, top_k)[:, None]], dim=1)
    return idx


@catalogue.mistake(
    "generate",
    hint="The context is cropped to the first block_size tokens: feed the last ones, idx[:, -block_size:].",
    hint_zh="上下文截取成了前 block_size 个词元：应输入最后的 block_size 个，idx[:, -block_size:]。")
def generate_crops_from_the_start(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    for _ in range(max_new_tokens):
        logits = model(idx[:, :model.block_size])[:, -1, :]
        idx = torch.cat([idx, sample_next_token(logits, temperature, top_k)[:, None]], dim=1)
    return idx
