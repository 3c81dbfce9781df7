"""Common mistakes in ch05_detection, as code. Names inside resolve in the reference module.

Each is a drop-in replacement for one reference definition (see autograder.checks.mistakes).
"""
# ruff: noqa: F821  (math, torch, F and the reference's functions resolve in the reference module)

from autograder.checks.mistakes import Catalogue

catalogue = Catalogue()


# --- IoU -----------------------------------------------------------------------------------------

@catalogue.mistake(
    "box_area",
    hint="You add 1 to the width and height (the old VOC 'pixel index' convention). Boxes here are continuous "
         "coordinates, as in torchvision: the area is (x2 - x1) * (y2 - y1).",
    hint_zh="你给宽和高各加了 1（旧 VOC 代码的“像素下标”约定）。本作业的框是连续坐标（与 torchvision 相同）："
            "面积是 (x2 - x1) * (y2 - y1)。")
def area_plus_one(boxes):
    return (boxes[:, 2] - boxes[:, 0] + 1) * (boxes[:, 3] - boxes[:, 1] + 1)


@catalogue.mistake(
    "box_iou",
    hint="Your IoU uses the '+1' pixel convention (w = x2 - x1 + 1): boxes that only touch get a positive IoU. "
         "In continuous coordinates the width is x2 - x1.",
    hint_zh="你的 IoU 用了“+1”像素约定（w = x2 - x1 + 1）：只相接的两个框得到了正的 IoU。连续坐标下宽度是 x2 - x1。")
def iou_plus_one(boxes1, boxes2):
    for name, boxes in (("boxes1", boxes1), ("boxes2", boxes2)):
        if boxes.dim() != 2 or boxes.shape[1] != 4:
            raise ValueError(f"{name} should have shape (N, 4), got {tuple(boxes.shape)}")
    area1 = (boxes1[:, 2] - boxes1[:, 0] + 1) * (boxes1[:, 3] - boxes1[:, 1] + 1)
    area2 = (boxes2[:, 2] - boxes2[:, 0] + 1) * (boxes2[:, 3] - boxes2[:, 1] + 1)
    lt = torch.max(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = torch.min(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = (rb - lt + 1).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter / (area1[:, None] + area2[None, :] - inter)


@catalogue.mistake(
    "box_iou",
    hint="The union counts the intersection twice: it is area1 + area2 - intersection.",
    hint_zh="并集把交集算了两次：并集应为 area1 + area2 - 交集。")
def union_without_minus_intersection(boxes1, boxes2):
    for name, boxes in (("boxes1", boxes1), ("boxes2", boxes2)):
        if boxes.dim() != 2 or boxes.shape[1] != 4:
            raise ValueError(f"{name} should have shape (N, 4), got {tuple(boxes.shape)}")
    lt = torch.max(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = torch.min(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = box_area(boxes1)[:, None] + box_area(boxes2)[None, :]
    return inter / torch.where(union > 0, union, torch.ones_like(union))


@catalogue.mistake(
    "box_iou",
    hint="Disjoint boxes get a non-zero IoU: when both overlaps are negative their product is positive. Clamp the "
         "intersection's width and height at 0 before multiplying.",
    hint_zh="不相交的框得到了非零 IoU：两个方向的重叠都为负时乘积为正。相乘之前先把交集的宽和高截断到 0。")
def intersection_not_clamped(boxes1, boxes2):
    for name, boxes in (("boxes1", boxes1), ("boxes2", boxes2)):
        if boxes.dim() != 2 or boxes.shape[1] != 4:
            raise ValueError(f"{name} should have shape (N, 4), got {tuple(boxes.shape)}")
    lt = torch.max(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = torch.min(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = rb - lt
    inter = wh[..., 0] * wh[..., 1]
    union = box_area(boxes1)[:, None] + box_area(boxes2)[None, :] - inter
    return inter / torch.where(union > 0, union, torch.ones_like(union))


# --- NMS -----------------------------------------------------------------------------------------

@catalogue.mistake(
    "nms",
    hint="A box whose IoU equals the threshold is suppressed: suppress only IoU > iou_threshold, as torchvision does.",
    hint_zh="IoU 恰好等于阈值的框被删除了：只有 IoU > iou_threshold 才删除（与 torchvision 相同）。")
def nms_suppresses_at_threshold(boxes, scores, iou_threshold):
    order = scores.argsort(descending=True)
    iou = box_iou(boxes, boxes)
    suppressed = torch.zeros(len(boxes), dtype=torch.bool)
    keep = []
    for i in order.tolist():
        if suppressed[i]:
            continue
        keep.append(i)
        suppressed |= iou[i] >= iou_threshold
    return torch.tensor(keep, dtype=torch.int64)


@catalogue.mistake(
    "nms",
    hint="Boxes are visited in input order, not by decreasing score: each round must keep the best remaining box.",
    hint_zh="你按输入顺序而不是按得分从高到低处理框：每一轮都应保留剩余框中得分最高的那个。")
def nms_in_input_order(boxes, scores, iou_threshold):
    iou = box_iou(boxes, boxes)
    suppressed = torch.zeros(len(boxes), dtype=torch.bool)
    keep = []
    for i in range(len(boxes)):
        if suppressed[i]:
            continue
        keep.append(i)
        suppressed |= iou[i] > iou_threshold
    return torch.tensor(keep, dtype=torch.int64)


@catalogue.mistake(
    "batched_nms",
    hint="Boxes of different categories suppress each other: batched NMS must run NMS within each category only "
         "(idxs), e.g. per category, or after shifting each category's boxes far apart.",
    hint_zh="不同类别的框互相抑制了：按类别的 NMS 只能在同一类别（idxs 相同）内抑制，例如逐类别做 NMS，或先把各类别的框平移到互不重叠的位置。")
def batched_nms_across_categories(boxes, scores, idxs, iou_threshold):
    return nms(boxes, scores, iou_threshold)


@catalogue.mistake(
    "batched_nms",
    hint="The kept indices are grouped by category; return them sorted by decreasing score over all categories.",
    hint_zh="保留的下标按类别分组排列了；应按得分从高到低（跨所有类别）排序后返回。")
def batched_nms_grouped_by_category(boxes, scores, idxs, iou_threshold):
    keep = torch.zeros(0, dtype=torch.int64)
    for category in idxs.unique().tolist():
        members = torch.nonzero(idxs == category).flatten()
        keep = torch.cat([keep, members[nms(boxes[members], scores[members], iou_threshold)]])
    return keep


# --- Anchors -------------------------------------------------------------------------------------

@catalogue.mistake(
    "generate_anchors",
    hint="Width and height are swapped: the aspect ratio is r = h / w here (as in torchvision's AnchorGenerator), so "
         "h = s * sqrt(r) and w = s / sqrt(r).",
    hint_zh="宽和高反了：这里宽高比 r = h / w（与 torchvision 的 AnchorGenerator 相同），所以 h = s * sqrt(r)，w = s / sqrt(r)。")
def anchors_ratio_is_w_over_h(scales, aspect_ratios):
    if any(r <= 0 for r in aspect_ratios) or any(s <= 0 for s in scales):
        raise ValueError(f"scales and aspect ratios must be positive, got {scales}, {aspect_ratios}")
    scales = torch.as_tensor(scales, dtype=torch.float32)
    ratios = torch.as_tensor(aspect_ratios, dtype=torch.float32)
    ws = (torch.sqrt(ratios)[:, None] * scales[None, :]).reshape(-1)
    hs = ((1 / torch.sqrt(ratios))[:, None] * scales[None, :]).reshape(-1)
    return (torch.stack([-ws, -hs, ws, hs], dim=1) / 2).round()


@catalogue.mistake(
    "generate_anchors",
    hint="Your anchors are in scale-major order; the order is ratio-major: row i * len(scales) + j has ratio i and "
         "scale j.",
    hint_zh="你的锚框按“尺度在外”排列；要求“宽高比在外、尺度在内”：第 i * len(scales) + j 行是第 i 个宽高比、第 j 个尺度。")
def anchors_scale_major(scales, aspect_ratios):
    if any(r <= 0 for r in aspect_ratios) or any(s <= 0 for s in scales):
        raise ValueError(f"scales and aspect ratios must be positive, got {scales}, {aspect_ratios}")
    scales = torch.as_tensor(scales, dtype=torch.float32)
    ratios = torch.as_tensor(aspect_ratios, dtype=torch.float32)
    ws = (scales[:, None] / torch.sqrt(ratios)[None, :]).reshape(-1)
    hs = (scales[:, None] * torch.sqrt(ratios)[None, :]).reshape(-1)
    return (torch.stack([-ws, -hs, ws, hs], dim=1) / 2).round()


@catalogue.mistake(
    "generate_anchors",
    hint="The coordinates are not rounded: torchvision's AnchorGenerator rounds (-w/2, -h/2, w/2, h/2) to whole "
         "pixels with torch.round, and so does this assignment.",
    hint_zh="坐标没有取整：torchvision 的 AnchorGenerator 用 torch.round 把 (-w/2, -h/2, w/2, h/2) 取整到整数像素，本作业也一样。")
def anchors_not_rounded(scales, aspect_ratios):
    if any(r <= 0 for r in aspect_ratios) or any(s <= 0 for s in scales):
        raise ValueError(f"scales and aspect ratios must be positive, got {scales}, {aspect_ratios}")
    scales = torch.as_tensor(scales, dtype=torch.float32)
    ratios = torch.as_tensor(aspect_ratios, dtype=torch.float32)
    ws = ((1 / torch.sqrt(ratios))[:, None] * scales[None, :]).reshape(-1)
    hs = (torch.sqrt(ratios)[:, None] * scales[None, :]).reshape(-1)
    return torch.stack([-ws, -hs, ws, hs], dim=1) / 2


@catalogue.mistake(
    "grid_anchors",
    hint="Positions are enumerated column by column (x outer): they go row-major, row (y * width + x) * A + a, "
         "which is what meshgrid(ys, xs, indexing='ij') gives.",
    hint_zh="你按列枚举位置（x 在外层）：应按行优先，第 (y * width + x) * A + a 行，即 meshgrid(ys, xs, indexing='ij') 的顺序。")
def grid_column_major(base_anchors, grid_size, stride):
    height, width = grid_size
    stride_y, stride_x = stride
    shifts_x = torch.arange(width, dtype=base_anchors.dtype) * stride_x
    shifts_y = torch.arange(height, dtype=base_anchors.dtype) * stride_y
    shift_x, shift_y = torch.meshgrid(shifts_x, shifts_y, indexing="ij")
    shifts = torch.stack([shift_x, shift_y, shift_x, shift_y], dim=-1)
    return (shifts.reshape(-1, 1, 4) + base_anchors.reshape(1, -1, 4)).reshape(-1, 4)


@catalogue.mistake(
    "grid_anchors",
    hint="Your anchors sit at cell centres ((x + 0.5) * stride); torchvision's AnchorGenerator, which this assignment "
         "follows, puts them at (x * stride, y * stride).",
    hint_zh="你的锚框放在格子中心（(x + 0.5) * stride）；本作业遵循 torchvision 的 AnchorGenerator，放在 (x * stride, y * stride)。")
def grid_at_cell_centres(base_anchors, grid_size, stride):
    height, width = grid_size
    stride_y, stride_x = stride
    shifts_x = (torch.arange(width, dtype=base_anchors.dtype) + 0.5) * stride_x
    shifts_y = (torch.arange(height, dtype=base_anchors.dtype) + 0.5) * stride_y
    shift_y, shift_x = torch.meshgrid(shifts_y, shifts_x, indexing="ij")
    shifts = torch.stack([shift_x, shift_y, shift_x, shift_y], dim=-1)
    return (shifts.reshape(-1, 1, 4) + base_anchors.reshape(1, -1, 4)).reshape(-1, 4)


# --- Box coding ----------------------------------------------------------------------------------

@catalogue.mistake(
    "encode_boxes",
    hint="Width and height are swapped in the deltas: tx and tw use the widths (x2 - x1), ty and th the heights.",
    hint_zh="回归量中宽和高用反了：tx 和 tw 用宽度（x2 - x1），ty 和 th 用高度。")
def encode_width_height_swapped(gt_boxes, anchors, weights=(1.0, 1.0, 1.0, 1.0)):
    wx, wy, ww, wh = weights
    a_h, a_w = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    a_x, a_y = anchors[:, 0] + 0.5 * a_h, anchors[:, 1] + 0.5 * a_w
    g_h, g_w = gt_boxes[:, 2] - gt_boxes[:, 0], gt_boxes[:, 3] - gt_boxes[:, 1]
    g_x, g_y = gt_boxes[:, 0] + 0.5 * g_h, gt_boxes[:, 1] + 0.5 * g_w
    return torch.stack([wx * (g_x - a_x) / a_w, wy * (g_y - a_y) / a_h, ww * torch.log(g_w / a_w),
                        wh * torch.log(g_h / a_h)], dim=1)


@catalogue.mistake(
    "encode_boxes",
    hint="tx and ty use the corners (x1, y1) instead of the centres: the offsets are between box centres.",
    hint_zh="tx 和 ty 用了角点 (x1, y1) 而不是中心：偏移量是两个框中心之间的差。")
def encode_corners(gt_boxes, anchors, weights=(1.0, 1.0, 1.0, 1.0)):
    wx, wy, ww, wh = weights
    a_w, a_h = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    g_w, g_h = gt_boxes[:, 2] - gt_boxes[:, 0], gt_boxes[:, 3] - gt_boxes[:, 1]
    return torch.stack([wx * (gt_boxes[:, 0] - anchors[:, 0]) / a_w, wy * (gt_boxes[:, 1] - anchors[:, 1]) / a_h,
                        ww * torch.log(g_w / a_w), wh * torch.log(g_h / a_h)], dim=1)


@catalogue.mistake(
    "encode_boxes",
    hint="The deltas are divided by the weights; encoding multiplies them (tx = wx * (gx - ax) / aw) and decoding "
         "divides.",
    hint_zh="回归量被除以了权重；编码时应乘以权重（tx = wx * (gx - ax) / aw），解码时才除以权重。")
def encode_divides_by_weights(gt_boxes, anchors, weights=(1.0, 1.0, 1.0, 1.0)):
    wx, wy, ww, wh = weights
    a_w, a_h = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    a_x, a_y = anchors[:, 0] + 0.5 * a_w, anchors[:, 1] + 0.5 * a_h
    g_w, g_h = gt_boxes[:, 2] - gt_boxes[:, 0], gt_boxes[:, 3] - gt_boxes[:, 1]
    g_x, g_y = gt_boxes[:, 0] + 0.5 * g_w, gt_boxes[:, 1] + 0.5 * g_h
    return torch.stack([(g_x - a_x) / a_w / wx, (g_y - a_y) / a_h / wy, torch.log(g_w / a_w) / ww,
                        torch.log(g_h / a_h) / wh], dim=1)


@catalogue.mistake(
    "decode_boxes",
    hint="tw and th are not clamped before exp(): large values overflow. Clamp tw / ww and th / wh to at most clip.",
    hint_zh="tw 和 th 在 exp() 之前没有截断：很大的值会溢出。应把 tw / ww 和 th / wh 截断到不超过 clip。")
def decode_without_clamp(deltas, anchors, weights=(1.0, 1.0, 1.0, 1.0), clip=BBOX_XFORM_CLIP):
    wx, wy, ww, wh = weights
    anchors = anchors.to(deltas.dtype)
    a_w, a_h = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    a_x, a_y = anchors[:, 0] + 0.5 * a_w, anchors[:, 1] + 0.5 * a_h
    x, y = deltas[:, 0] / wx * a_w + a_x, deltas[:, 1] / wy * a_h + a_y
    w, h = torch.exp(deltas[:, 2] / ww) * a_w, torch.exp(deltas[:, 3] / wh) * a_h
    return torch.stack([x - 0.5 * w, y - 0.5 * h, x + 0.5 * w, y + 0.5 * h], dim=1)


@catalogue.mistake(
    "decode_boxes",
    hint="The deltas are multiplied by the weights; decoding divides them (dx = tx / wx), undoing the encoding.",
    hint_zh="回归量被乘以了权重；解码时应除以权重（dx = tx / wx），以抵消编码时的乘法。")
def decode_multiplies_weights(deltas, anchors, weights=(1.0, 1.0, 1.0, 1.0), clip=BBOX_XFORM_CLIP):
    wx, wy, ww, wh = weights
    anchors = anchors.to(deltas.dtype)
    a_w, a_h = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    a_x, a_y = anchors[:, 0] + 0.5 * a_w, anchors[:, 1] + 0.5 * a_h
    x, y = deltas[:, 0] * wx * a_w + a_x, deltas[:, 1] * wy * a_h + a_y
    w = torch.exp((deltas[:, 2] * ww).clamp(max=clip)) * a_w
    h = torch.exp((deltas[:, 3] * wh).clamp(max=clip)) * a_h
    return torch.stack([x - 0.5 * w, y - 0.5 * h, x + 0.5 * w, y + 0.5 * h], dim=1)


@catalogue.mistake(
    "decode_boxes",
    hint="Width and height are swapped when decoding: dx and dw scale the anchor's width (x2 - x1), dy and dh its "
         "height.",
    hint_zh="解码时宽和高用反了：dx 和 dw 作用于锚框的宽度（x2 - x1），dy 和 dh 作用于高度。")
def decode_width_height_swapped(deltas, anchors, weights=(1.0, 1.0, 1.0, 1.0), clip=BBOX_XFORM_CLIP):
    wx, wy, ww, wh = weights
    anchors = anchors.to(deltas.dtype)
    a_h, a_w = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    a_x, a_y = (anchors[:, 0] + anchors[:, 2]) / 2, (anchors[:, 1] + anchors[:, 3]) / 2
    x, y = deltas[:, 0] / wx * a_w + a_x, deltas[:, 1] / wy * a_h + a_y
    w = torch.exp((deltas[:, 2] / ww).clamp(max=clip)) * a_w
    h = torch.exp((deltas[:, 3] / wh).clamp(max=clip)) * a_h
    return torch.stack([x - 0.5 * w, y - 0.5 * h, x + 0.5 * w, y + 0.5 * h], dim=1)


# --- RoI pooling and align -----------------------------------------------------------------------

@catalogue.mistake(
    "roi_pool",
    hint="Your RoI is x2 - x1 cells wide; RoI pooling (Fast R-CNN, torchvision.ops.roi_pool) includes the end cell: "
         "max(x2 - x1 + 1, 1) cells after rounding.",
    hint_zh="你的 RoI 宽 x2 - x1 格；RoI Pooling（Fast R-CNN、torchvision.ops.roi_pool）包含末格：取整后宽 max(x2 - x1 + 1, 1) 格。")
def roi_pool_without_end_cell(features, rois, output_size, spatial_scale=1.0):
    PH, PW = (output_size, output_size) if isinstance(output_size, int) else output_size
    N, C, H, W = features.shape
    scaled = rois[:, 1:] * spatial_scale
    x1, y1, x2, y2 = (scaled.sign() * (scaled.abs() + 0.5).floor()).unbind(1)

    def bins(start, end, num_bins, size):
        length = (end - start).clamp(min=1)[:, None]
        p = torch.arange(num_bins, dtype=features.dtype)
        lo = torch.floor(p * length / num_bins) + start[:, None]
        hi = torch.ceil((p + 1) * length / num_bins) + start[:, None]
        return lo.clamp(0, size), hi.clamp(0, size)

    h_lo, h_hi = bins(y1, y2, PH, H)
    w_lo, w_hi = bins(x1, x2, PW, W)
    in_row = (torch.arange(H) >= h_lo[..., None]) & (torch.arange(H) < h_hi[..., None])
    in_col = (torch.arange(W) >= w_lo[..., None]) & (torch.arange(W) < w_hi[..., None])
    x = features[rois[:, 0].long()]
    x = x[:, :, :, None, :].masked_fill(~in_col[:, None, None], -math.inf).amax(-1)
    x = x[:, :, None].masked_fill(~in_row[:, None, :, :, None], -math.inf).amax(3)
    empty = (h_hi <= h_lo)[:, :, None] | (w_hi <= w_lo)[:, None, :]
    return x.masked_fill(empty[:, None], 0.0)


@catalogue.mistake(
    "roi_pool",
    hint="The coordinates are truncated (int(), .long(), floor) instead of rounded to the nearest cell: RoI pooling "
         "rounds x * spatial_scale (halves away from zero).",
    hint_zh="坐标被截断了（int()、.long()、floor），而不是四舍五入到最近的格：RoI Pooling 对 x * spatial_scale 四舍五入（0.5 远离 0 进位）。")
def roi_pool_truncates(features, rois, output_size, spatial_scale=1.0):
    PH, PW = (output_size, output_size) if isinstance(output_size, int) else output_size
    N, C, H, W = features.shape
    x1, y1, x2, y2 = (rois[:, 1:] * spatial_scale).trunc().unbind(1)

    def bins(start, end, num_bins, size):
        length = (end - start + 1).clamp(min=1)[:, None]
        p = torch.arange(num_bins, dtype=features.dtype)
        lo = torch.floor(p * length / num_bins) + start[:, None]
        hi = torch.ceil((p + 1) * length / num_bins) + start[:, None]
        return lo.clamp(0, size), hi.clamp(0, size)

    h_lo, h_hi = bins(y1, y2, PH, H)
    w_lo, w_hi = bins(x1, x2, PW, W)
    in_row = (torch.arange(H) >= h_lo[..., None]) & (torch.arange(H) < h_hi[..., None])
    in_col = (torch.arange(W) >= w_lo[..., None]) & (torch.arange(W) < w_hi[..., None])
    x = features[rois[:, 0].long()]
    x = x[:, :, :, None, :].masked_fill(~in_col[:, None, None], -math.inf).amax(-1)
    x = x[:, :, None].masked_fill(~in_row[:, None, :, :, None], -math.inf).amax(3)
    empty = (h_hi <= h_lo)[:, :, None] | (w_hi <= w_lo)[:, None, :]
    return x.masked_fill(empty[:, None], 0.0)


@catalogue.mistake(
    "roi_align",
    hint="With aligned=True the scaled coordinates must be shifted by -0.5 (pixel centres sit at j + 0.5 in "
         "continuous coordinates); yours are not shifted.",
    hint_zh="aligned=True 时，缩放后的坐标要减去 0.5（连续坐标中像素中心位于 j + 0.5）；你的坐标没有平移。")
def roi_align_without_half_pixel(features, rois, output_size, spatial_scale=1.0, sampling_ratio=2, aligned=True):
    if sampling_ratio <= 0:
        raise ValueError(f"sampling_ratio must be a positive integer, got {sampling_ratio}")
    PH, PW = (output_size, output_size) if isinstance(output_size, int) else output_size
    K, (N, C, H, W), s = rois.shape[0], features.shape, sampling_ratio
    x1, y1, x2, y2 = (rois[:, 1:].to(features.dtype) * spatial_scale - 0.0).unbind(1)

    def weights(start, length, num_bins, size):
        q = torch.arange(num_bins * s, dtype=features.dtype)
        coords = start[:, None] + (q + 0.5) * (length[:, None] / (num_bins * s))
        inside = (coords >= -1) & (coords <= size)
        coords = coords.clamp(0, size - 1)
        return (1 - (coords[..., None] - torch.arange(size, dtype=features.dtype)).abs()).clamp(min=0) * inside[..., None]

    samples = torch.einsum("kyh,kchw,kxw->kcyx", weights(y1, y2 - y1, PH, H), features[rois[:, 0].long()],
                           weights(x1, x2 - x1, PW, W))
    return samples.reshape(K, C, PH, s, PW, s).mean(dim=(3, 5))


@catalogue.mistake(
    "roi_align",
    hint="The samples sit at the start of each sub-cell; they go at the centres: start + (iy + 0.5) * bin / "
         "sampling_ratio.",
    hint_zh="采样点放在了每个子格的起点；应放在子格中心：start + (iy + 0.5) * bin / sampling_ratio。")
def roi_align_samples_at_corners(features, rois, output_size, spatial_scale=1.0, sampling_ratio=2, aligned=True):
    if sampling_ratio <= 0:
        raise ValueError(f"sampling_ratio must be a positive integer, got {sampling_ratio}")
    PH, PW = (output_size, output_size) if isinstance(output_size, int) else output_size
    K, (N, C, H, W), s = rois.shape[0], features.shape, sampling_ratio
    x1, y1, x2, y2 = (rois[:, 1:].to(features.dtype) * spatial_scale - (0.5 if aligned else 0.0)).unbind(1)

    def weights(start, length, num_bins, size):
        q = torch.arange(num_bins * s, dtype=features.dtype)
        coords = start[:, None] + (q + 0.0) * (length[:, None] / (num_bins * s))
        inside = (coords >= -1) & (coords <= size)
        coords = coords.clamp(0, size - 1)
        return (1 - (coords[..., None] - torch.arange(size, dtype=features.dtype)).abs()).clamp(min=0) * inside[..., None]

    samples = torch.einsum("kyh,kchw,kxw->kcyx", weights(y1, y2 - y1, PH, H), features[rois[:, 0].long()],
                           weights(x1, x2 - x1, PW, W))
    return samples.reshape(K, C, PH, s, PW, s).mean(dim=(3, 5))


# --- Proposal targets ----------------------------------------------------------------------------

@catalogue.mistake(
    "assign_targets",
    hint="A proposal whose IoU equals fg_iou_thresh is not foreground: foreground is IoU >= fg_iou_thresh (and "
         "background IoU < bg_iou_thresh), as torchvision's Matcher.",
    hint_zh="IoU 恰好等于 fg_iou_thresh 的候选框没有被当作前景：前景是 IoU >= fg_iou_thresh（背景是 IoU < bg_iou_thresh），与 torchvision 的 Matcher 相同。")
def assign_strict_foreground(proposals, gt_boxes, gt_labels, fg_iou_thresh=0.5, bg_iou_thresh=0.5):
    if bg_iou_thresh > fg_iou_thresh:
        raise ValueError(f"need bg_iou_thresh <= fg_iou_thresh, got {bg_iou_thresh} > {fg_iou_thresh}")
    if gt_boxes.shape[0] == 0:
        return torch.zeros(proposals.shape[0], dtype=torch.int64), torch.zeros(proposals.shape[0], 4)
    best_iou, best_gt = box_iou(gt_boxes, proposals).max(dim=0)
    labels = torch.where(best_iou <= fg_iou_thresh, -1, gt_labels[best_gt])
    labels = torch.where(best_iou <= bg_iou_thresh, 0, labels)
    return labels, gt_boxes[best_gt]


@catalogue.mistake(
    "assign_targets",
    hint="Proposals between the thresholds are labelled background; they must be ignored (-1): only IoU < "
         "bg_iou_thresh is background.",
    hint_zh="介于两个阈值之间的候选框被标成了背景；它们应被忽略（-1）：只有 IoU < bg_iou_thresh 才是背景。")
def assign_without_ignored_band(proposals, gt_boxes, gt_labels, fg_iou_thresh=0.5, bg_iou_thresh=0.5):
    if bg_iou_thresh > fg_iou_thresh:
        raise ValueError(f"need bg_iou_thresh <= fg_iou_thresh, got {bg_iou_thresh} > {fg_iou_thresh}")
    if gt_boxes.shape[0] == 0:
        return torch.zeros(proposals.shape[0], dtype=torch.int64), torch.zeros(proposals.shape[0], 4)
    best_iou, best_gt = box_iou(gt_boxes, proposals).max(dim=0)
    return torch.where(best_iou < fg_iou_thresh, 0, gt_labels[best_gt]), gt_boxes[best_gt]


@catalogue.mistake(
    "assign_targets",
    hint="Each ground-truth box picks its best proposal; it is the other way round: each proposal (a column of the "
         "(M, N) IoU matrix) takes its best ground truth, so the outputs have one row per proposal.",
    hint_zh="你让每个真实框去挑选最好的候选框；方向反了：每个候选框（(M, N) IoU 矩阵的一列）选择与它最匹配的真实框，输出每个候选框一行。")
def assign_best_proposal_per_ground_truth(proposals, gt_boxes, gt_labels, fg_iou_thresh=0.5, bg_iou_thresh=0.5):
    if bg_iou_thresh > fg_iou_thresh:
        raise ValueError(f"need bg_iou_thresh <= fg_iou_thresh, got {bg_iou_thresh} > {fg_iou_thresh}")
    if gt_boxes.shape[0] == 0:
        return torch.zeros(proposals.shape[0], dtype=torch.int64), torch.zeros(proposals.shape[0], 4)
    best_iou, best_proposal = box_iou(gt_boxes, proposals).max(dim=1)
    labels = torch.where(best_iou < fg_iou_thresh, -1, gt_labels)
    labels = torch.where(best_iou < bg_iou_thresh, 0, labels)
    return labels, proposals[best_proposal]


# --- YOLO ----------------------------------------------------------------------------------------

@catalogue.mistake(
    "encode_yolo_targets",
    hint="Rows and columns are swapped: the first grid index is the row i = floor(cy / cell) (y), the second the "
         "column j = floor(cx / cell) (x).",
    hint_zh="行和列反了：网格的第一个下标是行 i = floor(cy / cell)（y 方向），第二个是列 j = floor(cx / cell)（x 方向）。")
def yolo_targets_rows_and_columns_swapped(boxes, labels, anchors, grid_size, image_size, num_classes):
    S, A = grid_size, anchors.shape[0]
    cell = image_size / S
    target = torch.zeros(S, S, A, 5 + num_classes, dtype=boxes.dtype)
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    cx, cy = boxes[:, 0] + 0.5 * w, boxes[:, 1] + 0.5 * h
    col = (cx / cell).floor().long().clamp(0, S - 1)
    row = (cy / cell).floor().long().clamp(0, S - 1)
    inter = torch.min(w[:, None], anchors[None, :, 0]) * torch.min(h[:, None], anchors[None, :, 1])
    best = (inter / ((w * h)[:, None] + (anchors[:, 0] * anchors[:, 1])[None, :] - inter)).argmax(dim=1)
    for m in range(boxes.shape[0]):
        i, j, a = row[m], col[m], best[m]
        if target[j, i, a, 0] == 1:
            continue
        target[j, i, a, :5] = torch.stack([torch.ones_like(cx[m]), cx[m] / cell - j, cy[m] / cell - i,
                                            torch.log(w[m] / anchors[a, 0]), torch.log(h[m] / anchors[a, 1])])
        target[j, i, a, 5 + labels[m]] = 1
    return target


@catalogue.mistake(
    "encode_yolo_targets",
    hint="A later object overwrites an earlier one in the same cell and anchor; the first object keeps the slot and "
         "later ones are dropped.",
    hint_zh="后来的物体覆盖了同一格子同一锚框中先来的物体；应由第一个物体占据该位置，后来的物体被丢弃。")
def yolo_targets_last_object_wins(boxes, labels, anchors, grid_size, image_size, num_classes):
    S, A = grid_size, anchors.shape[0]
    cell = image_size / S
    target = torch.zeros(S, S, A, 5 + num_classes, dtype=boxes.dtype)
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    cx, cy = boxes[:, 0] + 0.5 * w, boxes[:, 1] + 0.5 * h
    col = (cx / cell).floor().long().clamp(0, S - 1)
    row = (cy / cell).floor().long().clamp(0, S - 1)
    inter = torch.min(w[:, None], anchors[None, :, 0]) * torch.min(h[:, None], anchors[None, :, 1])
    best = (inter / ((w * h)[:, None] + (anchors[:, 0] * anchors[:, 1])[None, :] - inter)).argmax(dim=1)
    for m in range(boxes.shape[0]):
        i, j, a = row[m], col[m], best[m]
        target[i, j, a] = 0
        target[i, j, a, :5] = torch.stack([torch.ones_like(cx[m]), cx[m] / cell - j, cy[m] / cell - i,
                                            torch.log(w[m] / anchors[a, 0]), torch.log(h[m] / anchors[a, 1])])
        target[i, j, a, 5 + labels[m]] = 1
    return target


@catalogue.mistake(
    "encode_yolo_targets",
    hint="The size targets are the ratios w / anchor_w and h / anchor_h; they are their logarithms, so that "
         "anchor_w * exp(t_w) decodes them.",
    hint_zh="尺寸目标用了比值 w / anchor_w 和 h / anchor_h；应取对数，这样 anchor_w * exp(t_w) 才能解码回来。")
def yolo_targets_without_log(boxes, labels, anchors, grid_size, image_size, num_classes):
    S, A = grid_size, anchors.shape[0]
    cell = image_size / S
    target = torch.zeros(S, S, A, 5 + num_classes, dtype=boxes.dtype)
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    cx, cy = boxes[:, 0] + 0.5 * w, boxes[:, 1] + 0.5 * h
    col = (cx / cell).floor().long().clamp(0, S - 1)
    row = (cy / cell).floor().long().clamp(0, S - 1)
    inter = torch.min(w[:, None], anchors[None, :, 0]) * torch.min(h[:, None], anchors[None, :, 1])
    best = (inter / ((w * h)[:, None] + (anchors[:, 0] * anchors[:, 1])[None, :] - inter)).argmax(dim=1)
    for m in range(boxes.shape[0]):
        i, j, a = row[m], col[m], best[m]
        if target[i, j, a, 0] == 1:
            continue
        target[i, j, a, :5] = torch.stack([torch.ones_like(cx[m]), cx[m] / cell - j, cy[m] / cell - i,
                                            w[m] / anchors[a, 0], h[m] / anchors[a, 1]])
        target[i, j, a, 5 + labels[m]] = 1
    return target


@catalogue.mistake(
    "yolo_loss",
    hint="The predicted x, y offsets go into the loss raw; apply sigmoid first: the targets are offsets in [0, 1) "
         "inside the cell, and decode_yolo uses sigmoid(t_x).",
    hint_zh="预测的 x、y 偏移直接进入了损失；应先做 sigmoid：目标是格子内 [0, 1) 的偏移，decode_yolo 用的也是 sigmoid(t_x)。")
def yolo_loss_without_sigmoid(pred, target, lambda_coord=5.0, lambda_noobj=0.5):
    obj = target[..., 0]
    coord = ((pred[..., 1:5] - target[..., 1:5]) ** 2).sum(-1)
    objectness = F.binary_cross_entropy_with_logits(pred[..., 0], obj, reduction="none")
    classes = -(target[..., 5:] * F.log_softmax(pred[..., 5:], dim=-1)).sum(-1)
    total = (lambda_coord * coord * obj).sum() + (objectness * obj).sum() + lambda_noobj * (objectness * (1 - obj)).sum() \
        + (classes * obj).sum()
    return total / pred.shape[0]


@catalogue.mistake(
    "yolo_loss",
    hint="lambda_noobj weighs the objectness loss of every slot; it weighs only the slots without an object (the "
         "object slots count with weight 1).",
    hint_zh="lambda_noobj 作用在了所有位置的 objectness 损失上；它只作用于没有物体的位置（有物体的位置权重为 1）。")
def yolo_loss_noobj_everywhere(pred, target, lambda_coord=5.0, lambda_noobj=0.5):
    obj = target[..., 0]
    coord = ((torch.sigmoid(pred[..., 1:3]) - target[..., 1:3]) ** 2).sum(-1) \
        + ((pred[..., 3:5] - target[..., 3:5]) ** 2).sum(-1)
    objectness = F.binary_cross_entropy_with_logits(pred[..., 0], obj, reduction="none")
    classes = -(target[..., 5:] * F.log_softmax(pred[..., 5:], dim=-1)).sum(-1)
    total = (lambda_coord * coord * obj).sum() + lambda_noobj * objectness.sum() + (classes * obj).sum()
    return total / pred.shape[0]


@catalogue.mistake(
    "yolo_loss",
    hint="Your loss averages over all slots; the formula sums over slots and divides by the batch size N only.",
    hint_zh="你的损失对所有位置取了平均；公式是对位置求和，只除以批大小 N。")
def yolo_loss_mean_over_slots(pred, target, lambda_coord=5.0, lambda_noobj=0.5):
    obj = target[..., 0]
    coord = ((torch.sigmoid(pred[..., 1:3]) - target[..., 1:3]) ** 2).sum(-1) \
        + ((pred[..., 3:5] - target[..., 3:5]) ** 2).sum(-1)
    objectness = F.binary_cross_entropy_with_logits(pred[..., 0], obj, reduction="none")
    classes = -(target[..., 5:] * F.log_softmax(pred[..., 5:], dim=-1)).sum(-1)
    return (lambda_coord * coord * obj + objectness * obj + lambda_noobj * objectness * (1 - obj) + classes * obj).mean()


@catalogue.mistake(
    "decode_yolo",
    hint="Rows and columns are swapped: the box centre's x uses the column j (second grid index), its y the row i.",
    hint_zh="行和列反了：框中心的 x 用列 j（网格的第二个下标），y 用行 i。")
def decode_yolo_rows_and_columns_swapped(pred, anchors, image_size):
    N, S, _, A, _ = pred.shape
    cell = image_size / S
    steps = torch.arange(S, dtype=pred.dtype)
    cx = (steps[:, None, None] + torch.sigmoid(pred[..., 1])) * cell
    cy = (steps[None, :, None] + torch.sigmoid(pred[..., 2])) * cell
    w, h = anchors[:, 0].to(pred) * torch.exp(pred[..., 3]), anchors[:, 1].to(pred) * torch.exp(pred[..., 4])
    boxes = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=-1)
    probs, labels = F.softmax(pred[..., 5:], dim=-1).max(dim=-1)
    return boxes.reshape(N, -1, 4), (torch.sigmoid(pred[..., 0]) * probs).reshape(N, -1), labels.reshape(N, -1)


@catalogue.mistake(
    "decode_yolo",
    hint="The score is the objectness alone; it is sigmoid(t_o) times the best class probability (softmax).",
    hint_zh="得分只用了 objectness；应为 sigmoid(t_o) 乘以最大的类别概率（softmax）。")
def decode_yolo_objectness_only(pred, anchors, image_size):
    N, S, _, A, _ = pred.shape
    cell = image_size / S
    steps = torch.arange(S, dtype=pred.dtype)
    cx = (steps[None, :, None] + torch.sigmoid(pred[..., 1])) * cell
    cy = (steps[:, None, None] + torch.sigmoid(pred[..., 2])) * cell
    w, h = anchors[:, 0].to(pred) * torch.exp(pred[..., 3]), anchors[:, 1].to(pred) * torch.exp(pred[..., 4])
    boxes = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=-1)
    labels = pred[..., 5:].argmax(dim=-1)
    return boxes.reshape(N, -1, 4), torch.sigmoid(pred[..., 0]).reshape(N, -1), labels.reshape(N, -1)


@catalogue.mistake(
    "TinyDetector",
    hint="The head's output is reshaped to (N, S, S, A, 5 + C) without moving the channel axis: reshape to "
         "(N, A, 5 + C, S, S) first, then permute(0, 3, 4, 1, 2).",
    hint_zh="检测头的输出被直接 reshape 成了 (N, S, S, A, 5 + C)，没有移动通道维：应先 reshape 成 (N, A, 5 + C, S, S)，再 permute(0, 3, 4, 1, 2)。")
class TinyDetectorWithoutPermute(TinyDetector):
    def forward(self, images):
        x = self.head(self.backbone(images))
        N, _, S, _ = x.shape
        return x.reshape(N, S, S, self.anchors.shape[0], 5 + self.num_classes)


# --- SSD -----------------------------------------------------------------------------------------

@catalogue.mistake(
    "ssd_default_boxes",
    hint="In SSD the aspect ratio is r = w / h: the pair is (s * sqrt(r), s / sqrt(r)) first, then its transpose.",
    hint_zh="SSD 中宽高比 r = w / h：先是 (s * sqrt(r), s / sqrt(r))，再是它的转置。")
def ssd_ratio_is_h_over_w(feature_size, scale, next_scale, aspect_ratios, clip=True):
    sizes = [(scale, scale), (math.sqrt(scale * next_scale),) * 2]
    for r in aspect_ratios:
        sizes += [(scale / math.sqrt(r), scale * math.sqrt(r)), (scale * math.sqrt(r), scale / math.sqrt(r))]
    wh = torch.tensor(sizes, dtype=torch.float32)
    if clip:
        wh = wh.clamp(0, 1)
    centres = (torch.arange(feature_size, dtype=torch.float32) + 0.5) / feature_size
    cy, cx = torch.meshgrid(centres, centres, indexing="ij")
    xy = torch.stack([cx, cy], dim=-1).reshape(-1, 1, 2).expand(-1, len(sizes), 2)
    return torch.cat([xy, wh.expand_as(xy)], dim=-1).reshape(-1, 4)


@catalogue.mistake(
    "ssd_default_boxes",
    hint="The centres sit at the cells' corners (j / f); they are at the cells' centres ((j + 0.5) / f).",
    hint_zh="中心放在了格子的角上（j / f）；应位于格子中心（(j + 0.5) / f）。")
def ssd_centres_at_corners(feature_size, scale, next_scale, aspect_ratios, clip=True):
    sizes = [(scale, scale), (math.sqrt(scale * next_scale),) * 2]
    for r in aspect_ratios:
        sizes += [(scale * math.sqrt(r), scale / math.sqrt(r)), (scale / math.sqrt(r), scale * math.sqrt(r))]
    wh = torch.tensor(sizes, dtype=torch.float32)
    if clip:
        wh = wh.clamp(0, 1)
    centres = torch.arange(feature_size, dtype=torch.float32) / feature_size
    cy, cx = torch.meshgrid(centres, centres, indexing="ij")
    xy = torch.stack([cx, cy], dim=-1).reshape(-1, 1, 2).expand(-1, len(sizes), 2)
    return torch.cat([xy, wh.expand_as(xy)], dim=-1).reshape(-1, 4)


@catalogue.mistake(
    "hard_negative_mining",
    hint="Negatives are ranked over the whole batch; hard-negative mining is per image: each image keeps "
         "neg_pos_ratio times its own number of positives.",
    hint_zh="你在整个批次上给负样本排序；难负样本挖掘是逐图进行的：每张图保留 neg_pos_ratio 乘以它自己的正样本数个负样本。")
def mining_over_the_whole_batch(conf_loss, positive_mask, neg_pos_ratio=3):
    num_neg = neg_pos_ratio * int(positive_mask.sum())
    loss = conf_loss.masked_fill(positive_mask, -math.inf).flatten()
    rank = loss.argsort(descending=True).argsort()
    return ((rank < num_neg) & ~positive_mask.flatten()).reshape(conf_loss.shape)


@catalogue.mistake(
    "hard_negative_mining",
    hint="Positives take part in the ranking and use up slots: exclude them (e.g. set their loss to -inf) before "
         "choosing the highest-loss negatives.",
    hint_zh="正样本参与了排序并占用了名额：挑选损失最大的负样本之前先把正样本排除（例如把它们的损失设为 -inf）。")
def mining_positives_compete(conf_loss, positive_mask, neg_pos_ratio=3):
    num_neg = neg_pos_ratio * positive_mask.sum(dim=1, keepdim=True)
    rank = conf_loss.argsort(dim=1, descending=True).argsort(dim=1)
    return (rank < num_neg) & ~positive_mask


@catalogue.mistake(
    "hard_negative_mining",
    hint="You keep the easiest negatives (lowest loss); hard-negative mining keeps the highest-loss ones.",
    hint_zh="你保留了最容易的负样本（损失最小）；难负样本挖掘保留损失最大的负样本。")
def mining_lowest_losses(conf_loss, positive_mask, neg_pos_ratio=3):
    num_neg = neg_pos_ratio * positive_mask.sum(dim=1, keepdim=True)
    rank = conf_loss.masked_fill(positive_mask, math.inf).argsort(dim=1).argsort(dim=1)
    return (rank < num_neg) & ~positive_mask


# --- Evaluation ----------------------------------------------------------------------------------

@catalogue.mistake(
    "average_precision",
    hint="The area is taken under the raw precision curve; VOC takes it under the precision envelope: replace each "
         "precision by the largest precision at that recall or beyond (a reversed cumulative maximum).",
    hint_zh="你计算的是原始精度曲线下的面积；VOC 取的是精度包络下的面积：把每个精度换成该召回率及其右侧的最大精度（反向累计最大值）。")
def ap_without_envelope(recall, precision):
    zero, one = precision.new_zeros(1), precision.new_ones(1)
    r = torch.cat([zero, recall.to(precision.dtype), one])
    p = torch.cat([zero, precision, zero])
    return ((r[1:] - r[:-1]) * p[1:]).sum()


@catalogue.mistake(
    "average_precision",
    hint="This is VOC2007's 11-point AP; since VOC2010 AP is the exact area under the envelope at every recall "
         "where it changes (all-point interpolation).",
    hint_zh="这是 VOC2007 的 11 点 AP；VOC2010 起 AP 是包络在每个召回率变化处的精确面积（全点插值）。")
def ap_eleven_points(recall, precision):
    total = precision.new_zeros(())
    for t in torch.linspace(0, 1, 11, dtype=torch.float64).tolist():
        above = precision[recall >= t]
        total = total + (above.max() if above.numel() else precision.new_zeros(())) / 11
    return total


@catalogue.mistake(
    "match_detections",
    hint="A ground-truth box is matched more than once: once a detection has claimed it, a later detection whose "
         "best box it is becomes a false positive (duplicates are FPs).",
    hint_zh="一个真实框被匹配了多次：某个检测框占用它之后，以它为最佳匹配的后续检测框都是 FP（重复检测是 FP）。")
def match_without_taken_flags(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    is_tp = torch.zeros(pred_boxes.shape[0], dtype=torch.bool)
    if pred_boxes.shape[0] == 0 or gt_boxes.shape[0] == 0:
        return is_tp
    best_iou = box_iou(pred_boxes, gt_boxes).max(dim=1).values
    return best_iou >= iou_threshold


@catalogue.mistake(
    "match_detections",
    hint="When a detection's best box is taken you fall back to its next best free box (COCO's rule); VOC does not: "
         "that detection is a false positive.",
    hint_zh="检测框的最佳真实框已被占用时，你改配了次佳的空闲真实框（COCO 的规则）；VOC 不这样做：该检测框是 FP。")
def match_falls_back_to_next_best(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    is_tp = torch.zeros(pred_boxes.shape[0], dtype=torch.bool)
    if pred_boxes.shape[0] == 0 or gt_boxes.shape[0] == 0:
        return is_tp
    iou = box_iou(pred_boxes, gt_boxes)
    taken = torch.zeros(gt_boxes.shape[0], dtype=torch.bool)
    for d in pred_scores.argsort(descending=True).tolist():
        free = iou[d].masked_fill(taken, -1.0)
        best = free.argmax()
        if free[best] >= iou_threshold:
            is_tp[d] = True
            taken[best] = True
    return is_tp


@catalogue.mistake(
    "match_detections",
    hint="An IoU equal to the threshold counts as a miss; a true positive needs IoU >= iou_threshold.",
    hint_zh="IoU 恰好等于阈值被算成了未命中；TP 需要 IoU >= iou_threshold。")
def match_strict_threshold(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    is_tp = torch.zeros(pred_boxes.shape[0], dtype=torch.bool)
    if pred_boxes.shape[0] == 0 or gt_boxes.shape[0] == 0:
        return is_tp
    iou = box_iou(pred_boxes, gt_boxes)
    taken = torch.zeros(gt_boxes.shape[0], dtype=torch.bool)
    for d in pred_scores.argsort(descending=True).tolist():
        best = iou[d].argmax()
        if iou[d, best] > iou_threshold and not taken[best]:
            is_tp[d] = True
            taken[best] = True
    return is_tp


@catalogue.mistake(
    "mean_average_precision",
    hint="A class without ground truth counts as AP 0 in the mean; it has no AP (NaN) and is left out of the mean.",
    hint_zh="没有真实框的类别在均值中被算作 AP 0；它没有 AP（NaN），应从均值中排除。")
def map_counts_empty_classes_as_zero(detections, ground_truths, num_classes, iou_threshold=0.5):
    ap = []
    for c in range(num_classes):
        scores, hits, num_gt = [], [], 0
        for det, gt in zip(detections, ground_truths):
            mine, theirs = det["labels"] == c, gt["labels"] == c
            num_gt += int(theirs.sum())
            scores.append(det["scores"][mine])
            hits.append(match_detections(det["boxes"][mine], det["scores"][mine], gt["boxes"][theirs], iou_threshold))
        if num_gt == 0:
            ap.append(0.0)
            continue
        scores, hits = torch.cat(scores), torch.cat(hits)
        hits = hits[scores.argsort(descending=True)].double()
        tp, fp = hits.cumsum(0), (1 - hits).cumsum(0)
        ap.append(float(average_precision(tp / num_gt, tp / (tp + fp))))
    return sum(ap) / len(ap), ap


@catalogue.mistake(
    "mean_average_precision",
    hint="Detections are matched against ground-truth boxes of every class; a detection of class c may only match a "
         "ground-truth box of class c.",
    hint_zh="检测框与所有类别的真实框进行了匹配；类别 c 的检测框只能匹配类别 c 的真实框。")
def map_matches_across_classes(detections, ground_truths, num_classes, iou_threshold=0.5):
    ap = []
    for c in range(num_classes):
        scores, hits, num_gt = [], [], 0
        for det, gt in zip(detections, ground_truths):
            mine = det["labels"] == c
            num_gt += int((gt["labels"] == c).sum())
            scores.append(det["scores"][mine])
            hits.append(match_detections(det["boxes"][mine], det["scores"][mine], gt["boxes"], iou_threshold))
        if num_gt == 0:
            ap.append(math.nan)
            continue
        scores, hits = torch.cat(scores), torch.cat(hits)
        hits = hits[scores.argsort(descending=True)].double()
        tp, fp = hits.cumsum(0), (1 - hits).cumsum(0)
        ap.append(float(average_precision(tp / num_gt, tp / (tp + fp))))
    present = [value for value in ap if not math.isnan(value)]
    return (sum(present) / len(present) if present else math.nan), ap


@catalogue.mistake(
    "mean_average_precision",
    hint="Recall is divided by the number of detections; it is the cumulative TP count over the number of "
         "ground-truth boxes of the class (precision is over the detections so far).",
    hint_zh="召回率除以了检测框数；召回率是累计 TP 除以该类真实框的数量（精度才是除以到目前为止的检测数）。")
def map_recall_over_detections(detections, ground_truths, num_classes, iou_threshold=0.5):
    ap = []
    for c in range(num_classes):
        scores, hits, num_gt = [], [], 0
        for det, gt in zip(detections, ground_truths):
            mine, theirs = det["labels"] == c, gt["labels"] == c
            num_gt += int(theirs.sum())
            scores.append(det["scores"][mine])
            hits.append(match_detections(det["boxes"][mine], det["scores"][mine], gt["boxes"][theirs], iou_threshold))
        if num_gt == 0:
            ap.append(math.nan)
            continue
        scores, hits = torch.cat(scores), torch.cat(hits)
        hits = hits[scores.argsort(descending=True)].double()
        tp, fp = hits.cumsum(0), (1 - hits).cumsum(0)
        ap.append(float(average_precision(tp / max(len(hits), 1), tp / (tp + fp))))
    present = [value for value in ap if not math.isnan(value)]
    return (sum(present) / len(present) if present else math.nan), ap
