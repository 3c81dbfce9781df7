"""Common mistakes in ch03_vision_transformers, as code. Names inside resolve in the reference module.

Each is a drop-in replacement for one reference definition (see autograder.checks.mistakes).
"""
# ruff: noqa: F821  (math, torch, F, nn, linear_sum_assignment and the reference's helpers resolve there)

from autograder.checks.mistakes import Catalogue

catalogue = Catalogue()


# -- ViT ------------------------------------------------------------------------------------

@catalogue.mistake(
    "patchify",
    hint="Your patches are reshaped straight from (B, C, H, W) to (B, N, C*p*p): consecutive pixels of a "
         "row are not a patch. Reshape to (B, C, H/p, p, W/p, p), permute to (B, H/p, W/p, C, p, p), then flatten.",
    hint_zh="你直接把 (B, C, H, W) reshape 成了 (B, N, C*p*p)：一行里连续的像素并不是一个块。应先 reshape 成 "
            "(B, C, H/p, p, W/p, p)，permute 成 (B, H/p, W/p, C, p, p)，再展平。")
def patchify_without_permute(images, patch_size):
    B, C, H, W = images.shape
    p = patch_size
    if H % p or W % p:
        raise ValueError(f"images of size {H}x{W} cannot be cut into patches of size {p}")
    return images.reshape(B, (H // p) * (W // p), C * p * p)


@catalogue.mistake(
    "patchify",
    hint="Each patch is flattened in (p, p, C) order (channels last, as einops' '(p1 p2 c)'); the assignment "
         "asks for (C, p, p), the order of a Conv2d weight's .flatten(1).",
    hint_zh="每个块按 (p, p, C)（通道在最后，如 einops 的 '(p1 p2 c)'）展平了；本作业要求 (C, p, p) 顺序，"
            "即 Conv2d 权重 .flatten(1) 的顺序。")
def patchify_channels_last(images, patch_size):
    B, C, H, W = images.shape
    p = patch_size
    if H % p or W % p:
        raise ValueError(f"images of size {H}x{W} cannot be cut into patches of size {p}")
    x = images.reshape(B, C, H // p, p, W // p, p).permute(0, 2, 4, 3, 5, 1)
    return x.reshape(B, (H // p) * (W // p), C * p * p)


@catalogue.mistake(
    "patchify",
    hint="Your patches are numbered column by column: patch n must be the one in patch row n // (W/p) and "
         "patch column n % (W/p) (left to right, then top to bottom).",
    hint_zh="你的块是按列编号的：第 n 个块应位于第 n // (W/p) 行、第 n % (W/p) 列（先从左到右，再从上到下）。")
def patchify_column_major(images, patch_size):
    B, C, H, W = images.shape
    p = patch_size
    if H % p or W % p:
        raise ValueError(f"images of size {H}x{W} cannot be cut into patches of size {p}")
    x = images.reshape(B, C, H // p, p, W // p, p).permute(0, 4, 2, 1, 3, 5)
    return x.reshape(B, (H // p) * (W // p), C * p * p)


@catalogue.mistake(
    "PatchEmbedding",
    hint="The conv output (B, D, h, w) is reshaped to (B, N, D), which mixes features and positions: "
         "flatten(2) to (B, D, N), then transpose(1, 2).",
    hint_zh="卷积输出 (B, D, h, w) 被直接 reshape 成 (B, N, D)，这会把特征和位置混在一起：应先 flatten(2) 得到 "
            "(B, D, N)，再 transpose(1, 2)。")
class PatchEmbeddingReshaped(PatchEmbedding):
    def forward(self, images):
        x = self.proj(images)
        B, D, h, w = x.shape
        return x.reshape(B, h * w, D)


@catalogue.mistake(
    "ViT",
    hint="The class token must be the first token (position 0, with pos_embed[:, 0]) and the head must read "
         "position 0; yours sits at the end.",
    hint_zh="类别 token 必须是第一个 token（位置 0，对应 pos_embed[:, 0]），分类头读取位置 0；你的类别 token 放在了最后。")
class ViTClassTokenLast(ViT):
    def forward(self, images):
        x = self.patch_embed(images)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = self.dropout(torch.cat([x, cls], dim=1) + self.pos_embed)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x)[:, -1])


@catalogue.mistake(
    "ViT",
    hint="The head reads the mean of all tokens; ViT classifies from the class token alone (position 0).",
    hint_zh="分类头读取的是所有 token 的平均；ViT 只用类别 token（位置 0）做分类。")
class ViTMeanPooling(ViT):
    def forward(self, images):
        x = self.patch_embed(images)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = self.dropout(torch.cat([cls, x], dim=1) + self.pos_embed)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x).mean(dim=1))


@catalogue.mistake(
    "ViT",
    hint="pos_embed is never added: without position embeddings the Transformer sees a bag of patches "
         "and cannot tell where each one was.",
    hint_zh="没有加上 pos_embed：没有位置编码，Transformer 看到的只是一袋无序的图像块，不知道每块原来在哪里。")
class ViTWithoutPositions(ViT):
    def forward(self, images):
        x = self.patch_embed(images)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = self.dropout(torch.cat([cls, x], dim=1))
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x)[:, 0])


@catalogue.mistake(
    "ViT",
    hint="The final LayerNorm (norm) is not applied before the head: with Pre-LN blocks the last block's "
         "output is not normalised.",
    hint_zh="分类头之前没有经过最后的 LayerNorm（norm）：Pre-LN 结构中最后一个块的输出没有被归一化。")
class ViTWithoutFinalNorm(ViT):
    def forward(self, images):
        x = self.patch_embed(images)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = self.dropout(torch.cat([cls, x], dim=1) + self.pos_embed)
        for block in self.blocks:
            x = block(x)
        return self.head(x[:, 0])


# -- Swin -----------------------------------------------------------------------------------

@catalogue.mistake(
    "window_partition",
    hint="The map is reshaped to windows without the permute: view (B, H/M, M, W/M, M, C), permute to "
         "(B, H/M, W/M, M, M, C), then reshape to (-1, M, M, C).",
    hint_zh="没有 permute 就把特征图 reshape 成了窗口：应先 view 成 (B, H/M, M, W/M, M, C)，permute 成 "
            "(B, H/M, W/M, M, M, C)，再 reshape 成 (-1, M, M, C)。")
def window_partition_without_permute(x, window_size):
    B, H, W, C = x.shape
    M = window_size
    if H % M or W % M:
        raise ValueError(f"a {H}x{W} feature map cannot be cut into windows of size {M}")
    return x.reshape(-1, M, M, C)


@catalogue.mistake(
    "window_reverse",
    hint="H and W are swapped when the windows are put back: the window grid is (H/M) rows by (W/M) "
         "columns. It only shows when H != W.",
    hint_zh="还原窗口时把 H 和 W 弄反了：窗口网格是 H/M 行、W/M 列。只有 H != W 时才能看出来。")
def window_reverse_swapped(windows, window_size, H, W):
    M = window_size
    C = windows.shape[-1]
    x = windows.reshape(-1, W // M, H // M, M, M, C).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(-1, H, W, C)


@catalogue.mistake(
    "relative_position_index",
    hint="The row offset is multiplied by M, not by 2M - 1: offsets range over 2M - 1 values per axis, so "
         "different offsets now share an index.",
    hint_zh="行偏移乘的是 M 而不是 2M - 1：每个方向的偏移有 2M - 1 种取值，乘 M 会让不同的偏移得到相同的索引。")
def relative_index_times_m(window_size):
    M = window_size
    coords = torch.stack(torch.meshgrid(torch.arange(M), torch.arange(M), indexing="ij")).flatten(1)
    offsets = coords[:, :, None] - coords[:, None, :] + (M - 1)
    return offsets[0] * M + offsets[1]


@catalogue.mistake(
    "relative_position_index",
    hint="Your offsets are (y_j - y_i, x_j - x_i); the assignment (and Swin) uses (y_i - y_j, x_i - x_j): "
         "your index is the transpose of the expected one.",
    hint_zh="你的偏移是 (y_j - y_i, x_j - x_i)；本作业（以及 Swin）使用 (y_i - y_j, x_i - x_j)：你的索引是期望结果的转置。")
def relative_index_transposed(window_size):
    M = window_size
    coords = torch.stack(torch.meshgrid(torch.arange(M), torch.arange(M), indexing="ij")).flatten(1)
    offsets = coords[:, None, :] - coords[:, :, None] + (M - 1)
    return offsets[0] * (2 * M - 1) + offsets[1]


@catalogue.mistake(
    "shifted_window_mask",
    hint="You mark the first s rows/columns as wrapped; after torch.roll(x, -s) the tokens that wrapped "
         "around sit in the LAST s rows and columns.",
    hint_zh="你把前 s 行/列标成了绕回的区域；torch.roll(x, -s) 之后，绕回来的 token 位于最后 s 行和最后 s 列。")
def mask_wrapped_at_the_start(H, W, window_size, shift_size):
    M, s = window_size, shift_size
    if not 0 <= s < M:
        raise ValueError(f"shift_size={s} must be in [0, window_size={M})")
    wrapped_y = torch.arange(H) < s
    wrapped_x = torch.arange(W) < s
    region = 2 * wrapped_y[:, None].long() + wrapped_x[None, :].long()
    labels = window_partition(region[None, :, :, None], M).reshape(-1, M * M)
    return labels[:, :, None] == labels[:, None, :]


@catalogue.mistake(
    "shifted_window_mask",
    hint="Your mask misses the wrapped corner: labelling regions by wrapped_y + wrapped_x gives the same "
         "label to 'wrapped along y only' and 'wrapped along x only'. Give each combination its own label.",
    hint_zh="你的掩码漏掉了绕回的角落区域：用 wrapped_y + wrapped_x 作为区域标签，会让“只在 y 方向绕回”和"
            "“只在 x 方向绕回”得到相同标签。每种组合应有自己的标签。")
def mask_region_sum(H, W, window_size, shift_size):
    M, s = window_size, shift_size
    if not 0 <= s < M:
        raise ValueError(f"shift_size={s} must be in [0, window_size={M})")
    wrapped_y = torch.arange(H) >= H - s
    wrapped_x = torch.arange(W) >= W - s
    region = wrapped_y[:, None].long() + wrapped_x[None, :].long()
    labels = window_partition(region[None, :, :, None], M).reshape(-1, M * M)
    return labels[:, :, None] == labels[:, None, :]


@catalogue.mistake(
    "shifted_window_mask",
    hint="Your mask is inverted: True means 'may attend' (same region), so the diagonal must be True.",
    hint_zh="你的掩码方向反了：True 表示“可以关注”（同一区域），因此对角线必须为 True。")
def mask_inverted(H, W, window_size, shift_size):
    M, s = window_size, shift_size
    if not 0 <= s < M:
        raise ValueError(f"shift_size={s} must be in [0, window_size={M})")
    wrapped_y = torch.arange(H) >= H - s
    wrapped_x = torch.arange(W) >= W - s
    region = 2 * wrapped_y[:, None].long() + wrapped_x[None, :].long()
    labels = window_partition(region[None, :, :, None], M).reshape(-1, M * M)
    return labels[:, :, None] != labels[:, None, :]


@catalogue.mistake(
    "WindowAttention",
    hint="The relative position bias is not added to the scores: B[index] (one (N, N) matrix per head) "
         "goes inside the softmax.",
    hint_zh="分数中没有加上相对位置偏置：B[index]（每个头一个 (N, N) 矩阵）应加在 softmax 里面。")
class WindowAttentionWithoutBias(WindowAttention):
    def forward(self, windows, mask=None):
        Bw, N, C = windows.shape
        H = self.num_heads
        q, k, v = self.qkv(windows).reshape(Bw, N, 3, H, C // H).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-2, -1) / math.sqrt(C // H)
        if mask is not None:
            nW = mask.shape[0]
            scores = scores.reshape(Bw // nW, nW, H, N, N)
            scores = scores.masked_fill(~mask[None, :, None], torch.finfo(scores.dtype).min).reshape(Bw, H, N, N)
        out = scores.softmax(dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(Bw, N, C))


@catalogue.mistake(
    "WindowAttention",
    hint="The looked-up bias (N, N, heads) is reshaped to (heads, N, N) instead of permuted: use "
         "permute(2, 0, 1), so head h gets column h of the table.",
    hint_zh="查表得到的偏置 (N, N, heads) 被 reshape 成了 (heads, N, N)，而不是 permute：应使用 permute(2, 0, 1)，"
            "让第 h 个头使用表的第 h 列。")
class WindowAttentionBiasReshaped(WindowAttention):
    def forward(self, windows, mask=None):
        Bw, N, C = windows.shape
        H = self.num_heads
        q, k, v = self.qkv(windows).reshape(Bw, N, 3, H, C // H).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-2, -1) / math.sqrt(C // H)
        scores = scores + self.relative_position_bias_table[self.relative_position_index].reshape(H, N, N)
        if mask is not None:
            nW = mask.shape[0]
            scores = scores.reshape(Bw // nW, nW, H, N, N)
            scores = scores.masked_fill(~mask[None, :, None], torch.finfo(scores.dtype).min).reshape(Bw, H, N, N)
        out = scores.softmax(dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(Bw, N, C))


@catalogue.mistake(
    "WindowAttention",
    hint="The masks are matched to the wrong windows: windows come image by image (window b * nW + w uses "
         "mask w), so tile the masks with mask.repeat(B, 1, 1), not repeat_interleave.",
    hint_zh="掩码对应到了错误的窗口：窗口按图像依次排列（第 b * nW + w 个窗口使用第 w 个掩码），"
            "应使用 mask.repeat(B, 1, 1) 平铺，而不是 repeat_interleave。")
class WindowAttentionMaskInterleaved(WindowAttention):
    def forward(self, windows, mask=None):
        Bw, N, C = windows.shape
        H = self.num_heads
        q, k, v = self.qkv(windows).reshape(Bw, N, 3, H, C // H).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-2, -1) / math.sqrt(C // H)
        scores = scores + self.relative_position_bias_table[self.relative_position_index].permute(2, 0, 1)
        if mask is not None:
            full = mask.repeat_interleave(Bw // mask.shape[0], dim=0)
            scores = scores.masked_fill(~full[:, None], torch.finfo(scores.dtype).min)
        out = scores.softmax(dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(Bw, N, C))


@catalogue.mistake(
    "ShiftedWindowAttention",
    hint="The cyclic shift is not undone: after window_reverse, roll the map back by (+s, +s).",
    hint_zh="没有撤销循环移位：window_reverse 之后要把特征图再按 (+s, +s) 移回去。")
class ShiftNotUndone(ShiftedWindowAttention):
    def forward(self, x):
        B, H, W, C = x.shape
        M, s = self.window_size, self.shift_size
        mask = None
        if s > 0:
            x = torch.roll(x, shifts=(-s, -s), dims=(1, 2))
            mask = shifted_window_mask(H, W, M, s).to(x.device)
        windows = self.attn(window_partition(x, M).reshape(-1, M * M, C), mask)
        return window_reverse(windows.reshape(-1, M, M, C), M, H, W)


@catalogue.mistake(
    "ShiftedWindowAttention",
    hint="The map is rolled the wrong way: roll by (-s, -s) before the partition (so the mask's wrapped "
         "rows are the last s) and by (+s, +s) after.",
    hint_zh="循环移位的方向反了：划分窗口前按 (-s, -s) 移位（这样掩码中绕回的是最后 s 行），之后再按 (+s, +s) 移回。")
class ShiftWrongWay(ShiftedWindowAttention):
    def forward(self, x):
        B, H, W, C = x.shape
        M, s = self.window_size, self.shift_size
        mask = None
        if s > 0:
            x = torch.roll(x, shifts=(s, s), dims=(1, 2))
            mask = shifted_window_mask(H, W, M, s).to(x.device)
        windows = self.attn(window_partition(x, M).reshape(-1, M * M, C), mask)
        x = window_reverse(windows.reshape(-1, M, M, C), M, H, W)
        if s > 0:
            x = torch.roll(x, shifts=(-s, -s), dims=(1, 2))
        return x


@catalogue.mistake(
    "PatchMerging",
    hint="The four neighbours are concatenated in row-major order (x[0::2, 0::2], x[0::2, 1::2], "
         "x[1::2, 0::2], ...); Swin's order is x[0::2, 0::2], x[1::2, 0::2], x[0::2, 1::2], x[1::2, 1::2].",
    hint_zh="四个相邻 token 按行优先顺序拼接了（x[0::2, 0::2]、x[0::2, 1::2]、x[1::2, 0::2]……）；"
            "Swin 的顺序是 x[0::2, 0::2]、x[1::2, 0::2]、x[0::2, 1::2]、x[1::2, 1::2]。")
class PatchMergingRowMajor(PatchMerging):
    def forward(self, x):
        B, H, W, C = x.shape
        if H % 2 or W % 2:
            raise ValueError(f"patch merging needs an even height and width, got {H}x{W}")
        x = x.reshape(B, H // 2, 2, W // 2, 2, C).permute(0, 1, 3, 2, 4, 5).reshape(B, H // 2, W // 2, 4 * C)
        return self.reduction(self.norm(x))


@catalogue.mistake(
    "PatchMerging",
    hint="The LayerNorm over the 4C concatenated features is missing: reduction(norm(x)).",
    hint_zh="缺少对拼接后 4C 维特征的 LayerNorm：应为 reduction(norm(x))。")
class PatchMergingWithoutNorm(PatchMerging):
    def forward(self, x):
        B, H, W, C = x.shape
        if H % 2 or W % 2:
            raise ValueError(f"patch merging needs an even height and width, got {H}x{W}")
        x = torch.cat([x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 1::2]], dim=-1)
        return self.reduction(x)


# -- DETR -----------------------------------------------------------------------------------

@catalogue.mistake(
    "box_cxcywh_to_xyxy",
    hint="The corners are cx ± w and cy ± h: half the width and height go on each side, cx ± w/2.",
    hint_zh="角点算成了 cx ± w 和 cy ± h：两边各占一半宽高，应为 cx ± w/2。")
def cxcywh_full_offsets(boxes):
    cx, cy, w, h = boxes.unbind(-1)
    return torch.stack([cx - w, cy - h, cx + w, cy + h], dim=-1)


@catalogue.mistake(
    "box_xyxy_to_cxcywh",
    hint="Operator precedence: x1 + x2 / 2 is x1 + (x2 / 2). The centre is (x1 + x2) / 2.",
    hint_zh="运算符优先级：x1 + x2 / 2 等于 x1 + (x2 / 2)。中心应为 (x1 + x2) / 2。")
def xyxy_centre_precedence(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return torch.stack([x1 + x2 / 2, y1 + y2 / 2, x2 - x1, y2 - y1], dim=-1)


@catalogue.mistake(
    "generalized_box_iou",
    hint="The overlap's width and height are not clamped at 0: for disjoint boxes both are negative and "
         "their product is a positive 'intersection'. Use (bottom_right - top_left).clamp(min=0).",
    hint_zh="重叠区域的宽和高没有截断到 0：两个框不相交时二者都为负数，乘积却是正的“交集”。"
            "应使用 (bottom_right - top_left).clamp(min=0)。")
def giou_unclamped_overlap(boxes1, boxes2):
    area1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])
    area2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])
    overlap = torch.min(boxes1[:, None, 2:], boxes2[None, :, 2:]) - torch.max(boxes1[:, None, :2], boxes2[None, :, :2])
    inter = overlap[..., 0] * overlap[..., 1]
    union = area1[:, None] + area2[None, :] - inter
    enclose = (torch.max(boxes1[:, None, 2:], boxes2[None, :, 2:])
               - torch.min(boxes1[:, None, :2], boxes2[None, :, :2])).prod(dim=-1)
    return inter / union - (enclose - union) / enclose


@catalogue.mistake(
    "generalized_box_iou",
    hint="Your enclosing box C is built like the intersection (max of the top-left corners, min of the "
         "bottom-right ones). C is the smallest box containing both: min of the top-left corners, max of "
         "the bottom-right corners.",
    hint_zh="你的外接框 C 是按交集的方式构造的（左上角取 max、右下角取 min）。C 是同时包住两个框的最小框："
            "左上角取 min，右下角取 max。")
def giou_enclosing_like_intersection(boxes1, boxes2):
    area1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])
    area2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])
    top_left = torch.max(boxes1[:, None, :2], boxes2[None, :, :2])
    bottom_right = torch.min(boxes1[:, None, 2:], boxes2[None, :, 2:])
    overlap = (bottom_right - top_left).clamp(min=0)
    inter = overlap[..., 0] * overlap[..., 1]
    union = area1[:, None] + area2[None, :] - inter
    enclose = (bottom_right - top_left).prod(dim=-1)
    return inter / union - (enclose - union) / enclose


@catalogue.mistake(
    "match_cost",
    hint="The class cost uses the raw logits; DETR uses the softmax probabilities: -softmax(logits)[:, labels].",
    hint_zh="类别代价直接用了 logits；DETR 使用 softmax 概率：-softmax(logits)[:, labels]。")
def cost_with_logits(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class=1.0, cost_bbox=5.0, cost_giou=2.0):
    class_cost = -pred_logits[:, tgt_labels]
    l1_cost = (pred_boxes[:, None, :] - tgt_boxes[None, :, :]).abs().sum(dim=-1)
    giou_cost = -generalized_box_iou(box_cxcywh_to_xyxy(pred_boxes), box_cxcywh_to_xyxy(tgt_boxes))
    return cost_bbox * l1_cost + cost_class * class_cost + cost_giou * giou_cost


@catalogue.mistake(
    "match_cost",
    hint="The box distance is Euclidean (torch.cdist with p=2); DETR's is the L1 distance, the sum of "
         "absolute coordinate differences (p=1).",
    hint_zh="框距离用了欧氏距离（torch.cdist 的 p=2）；DETR 使用 L1 距离，即各坐标差的绝对值之和（p=1）。")
def cost_euclidean(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class=1.0, cost_bbox=5.0, cost_giou=2.0):
    class_cost = -pred_logits.softmax(dim=-1)[:, tgt_labels]
    l2_cost = torch.cdist(pred_boxes, tgt_boxes, p=2)
    giou_cost = -generalized_box_iou(box_cxcywh_to_xyxy(pred_boxes), box_cxcywh_to_xyxy(tgt_boxes))
    return cost_bbox * l2_cost + cost_class * class_cost + cost_giou * giou_cost


@catalogue.mistake(
    "hungarian_match",
    hint="Your matching maximises the total cost: the cost is something to minimise "
         "(linear_sum_assignment's default, maximize=False).",
    hint_zh="你的匹配让总代价最大了：代价应当最小化（linear_sum_assignment 的默认 maximize=False）。")
def match_maximising(pred_logits, pred_boxes, targets, cost_class=1.0, cost_bbox=5.0, cost_giou=2.0):
    indices = []
    with torch.no_grad():
        for logits, boxes, target in zip(pred_logits, pred_boxes, targets):
            cost = match_cost(logits, boxes, target["labels"], target["boxes"], cost_class, cost_bbox, cost_giou)
            rows, cols = linear_sum_assignment(cost.cpu().numpy(), maximize=True)
            indices.append((torch.as_tensor(rows, dtype=torch.int64), torch.as_tensor(cols, dtype=torch.int64)))
    return indices


@catalogue.mistake(
    "hungarian_match",
    hint="pred_idx and tgt_idx are swapped: the cost matrix is (Q, T), so linear_sum_assignment's rows "
         "are predictions and its columns targets (or you solved the transposed matrix).",
    hint_zh="pred_idx 和 tgt_idx 弄反了：代价矩阵是 (Q, T)，linear_sum_assignment 返回的行是预测、列是目标"
            "（或者你求解的是转置后的矩阵）。")
def match_transposed(pred_logits, pred_boxes, targets, cost_class=1.0, cost_bbox=5.0, cost_giou=2.0):
    indices = []
    with torch.no_grad():
        for logits, boxes, target in zip(pred_logits, pred_boxes, targets):
            cost = match_cost(logits, boxes, target["labels"], target["boxes"], cost_class, cost_bbox, cost_giou)
            tgt, pred = linear_sum_assignment(cost.T.cpu().numpy())
            indices.append((torch.as_tensor(tgt, dtype=torch.int64), torch.as_tensor(pred, dtype=torch.int64)))
    return indices


@catalogue.mistake(
    "set_loss",
    hint="The no-object class is not down-weighted: pass weight = [1, ..., 1, eos_coef] to "
         "F.cross_entropy, or unmatched queries swamp the loss.",
    hint_zh="“无对象”类没有降低权重：应向 F.cross_entropy 传入 weight = [1, ..., 1, eos_coef]，"
            "否则未匹配的查询会主导损失。")
def loss_without_eos_weight(pred_logits, pred_boxes, targets, indices, eos_coef=0.1):
    B, Q, K1 = pred_logits.shape
    batch_idx = torch.cat([torch.full_like(src, b) for b, (src, _) in enumerate(indices)])
    src_idx = torch.cat([src for src, _ in indices])
    target_classes = torch.full((B, Q), K1 - 1, dtype=torch.int64, device=pred_logits.device)
    target_classes[batch_idx, src_idx] = torch.cat([t["labels"][tgt] for t, (_, tgt) in zip(targets, indices)])
    loss_ce = F.cross_entropy(pred_logits.transpose(1, 2), target_classes)
    num_boxes = max(sum(len(t["labels"]) for t in targets), 1)
    src_boxes = pred_boxes[batch_idx, src_idx]
    matched = torch.cat([t["boxes"][tgt] for t, (_, tgt) in zip(targets, indices)])
    giou = torch.diag(generalized_box_iou(box_cxcywh_to_xyxy(src_boxes), box_cxcywh_to_xyxy(matched)))
    return {"loss_ce": loss_ce, "loss_bbox": (src_boxes - matched).abs().sum() / num_boxes,
            "loss_giou": (1 - giou).sum() / num_boxes}


@catalogue.mistake(
    "set_loss",
    hint="The weighted cross-entropy is divided by the number of queries; F.cross_entropy(weight=...) "
         "divides by the sum of the weights of the targets (a weighted mean).",
    hint_zh="加权交叉熵除以了查询的个数；F.cross_entropy(weight=...) 除以的是各目标权重之和（加权平均）。")
def loss_ce_plain_mean(pred_logits, pred_boxes, targets, indices, eos_coef=0.1):
    B, Q, K1 = pred_logits.shape
    batch_idx = torch.cat([torch.full_like(src, b) for b, (src, _) in enumerate(indices)])
    src_idx = torch.cat([src for src, _ in indices])
    target_classes = torch.full((B, Q), K1 - 1, dtype=torch.int64, device=pred_logits.device)
    target_classes[batch_idx, src_idx] = torch.cat([t["labels"][tgt] for t, (_, tgt) in zip(targets, indices)])
    weight = torch.ones(K1, dtype=pred_logits.dtype, device=pred_logits.device)
    weight[-1] = eos_coef
    per_query = F.cross_entropy(pred_logits.transpose(1, 2), target_classes, reduction="none")
    loss_ce = (per_query * weight[target_classes]).mean()
    num_boxes = max(sum(len(t["labels"]) for t in targets), 1)
    src_boxes = pred_boxes[batch_idx, src_idx]
    matched = torch.cat([t["boxes"][tgt] for t, (_, tgt) in zip(targets, indices)])
    giou = torch.diag(generalized_box_iou(box_cxcywh_to_xyxy(src_boxes), box_cxcywh_to_xyxy(matched)))
    return {"loss_ce": loss_ce, "loss_bbox": (src_boxes - matched).abs().sum() / num_boxes,
            "loss_giou": (1 - giou).sum() / num_boxes}


@catalogue.mistake(
    "set_loss",
    hint="The L1 box loss is a mean over boxes and coordinates (F.l1_loss's default); DETR sums it and "
         "divides by the number of target boxes.",
    hint_zh="L1 框损失对所有框和坐标取了平均（F.l1_loss 的默认）；DETR 先求和，再除以目标框的个数。")
def loss_bbox_mean(pred_logits, pred_boxes, targets, indices, eos_coef=0.1):
    B, Q, K1 = pred_logits.shape
    batch_idx = torch.cat([torch.full_like(src, b) for b, (src, _) in enumerate(indices)])
    src_idx = torch.cat([src for src, _ in indices])
    target_classes = torch.full((B, Q), K1 - 1, dtype=torch.int64, device=pred_logits.device)
    target_classes[batch_idx, src_idx] = torch.cat([t["labels"][tgt] for t, (_, tgt) in zip(targets, indices)])
    weight = torch.ones(K1, dtype=pred_logits.dtype, device=pred_logits.device)
    weight[-1] = eos_coef
    loss_ce = F.cross_entropy(pred_logits.transpose(1, 2), target_classes, weight=weight)
    num_boxes = max(sum(len(t["labels"]) for t in targets), 1)
    src_boxes = pred_boxes[batch_idx, src_idx]
    matched = torch.cat([t["boxes"][tgt] for t, (_, tgt) in zip(targets, indices)])
    giou = torch.diag(generalized_box_iou(box_cxcywh_to_xyxy(src_boxes), box_cxcywh_to_xyxy(matched)))
    return {"loss_ce": loss_ce, "loss_bbox": F.l1_loss(src_boxes, matched),
            "loss_giou": (1 - giou).sum() / num_boxes}
