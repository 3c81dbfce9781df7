"""Common mistakes in ch00_foundations, as code. Names inside resolve in the reference module.

Each is a drop-in replacement for one reference definition (see autograder.checks.mistakes).
Variants of functions that draw random numbers draw them as the reference does, so that run from
the seed of the student's call they reproduce a submission with the same mistake exactly (see
autograder.checks.outputs.matching_hint).
"""
# ruff: noqa: F821  (torch, nn and the reference's helpers resolve in the reference module)

from autograder.checks.mistakes import Catalogue

catalogue = Catalogue()


# -- 1. synthetic data and minibatches ----------------------------------------------------------------

@catalogue.mistake(
    "synthetic_data",
    hint="y must have shape (N, 1), not (N,): reshape it with y.reshape(-1, 1).",
    hint_zh="y 的形状应为 (N, 1)，而不是 (N,)：请用 y.reshape(-1, 1) 变形。")
def flat_labels(w, b, num_examples, noise=0.01):
    X = torch.randn(num_examples, len(w), dtype=w.dtype, device=w.device)
    y = X @ w + b
    return X, y + noise * torch.randn_like(y)


@catalogue.mistake(
    "synthetic_data",
    hint="The features are uniform on [0, 1) (torch.rand); they must be standard normal (torch.randn / torch.normal(0, 1, ...)).",
    hint_zh="特征服从 [0, 1) 上的均匀分布（torch.rand）；应服从标准正态分布（torch.randn 或 torch.normal(0, 1, ...)）。")
def uniform_features(w, b, num_examples, noise=0.01):
    X = torch.rand(num_examples, len(w), dtype=w.dtype, device=w.device)
    y = X @ w + b
    y = y + noise * torch.randn_like(y)
    return X, y.reshape(-1, 1)


@catalogue.mistake(
    "data_iter",
    hint="The last, smaller batch is dropped (range(0, N - batch_size + 1, ...) or N // batch_size batches): "
         "keep it, so that every example is used.",
    hint_zh="最后一个较小的批量被丢弃了（range(0, N - batch_size + 1, ...) 或只取 N // batch_size 个批量）：请保留它，使每个样本都被用到。")
def drops_last_batch(batch_size, features, labels):
    num_examples = len(features)
    order = torch.randperm(num_examples, device=features.device)
    batches = []
    for start in range(0, num_examples - batch_size + 1, batch_size):
        index = order[start:start + batch_size]
        batches.append((features[index], labels[index]))
    return batches


@catalogue.mistake(
    "data_iter",
    hint="The examples are never shuffled: SGD then sees the same batches in the same order every epoch. "
         "Draw a random permutation (torch.randperm or random.shuffle) on every call.",
    hint_zh="样本没有被打乱：SGD 每个轮次都会以相同顺序看到相同的批量。请在每次调用时生成随机排列（torch.randperm 或 random.shuffle）。")
def not_shuffled(batch_size, features, labels):
    return [(features[start:start + batch_size], labels[start:start + batch_size])
            for start in range(0, len(features), batch_size)]


# -- 2. linear regression --------------------------------------------------------------------------

@catalogue.mistake(
    "squared_loss",
    hint="y of shape (N,) minus y_hat of shape (N, 1) broadcasts to an (N, N) matrix: reshape y to y_hat's "
         "shape first (y.reshape(y_hat.shape)).",
    hint_zh="形状 (N,) 的 y 与形状 (N, 1) 的 y_hat 相减会广播成 (N, N) 矩阵：请先把 y 变形为 y_hat 的形状（y.reshape(y_hat.shape)）。")
def broadcast_targets(y_hat, y):
    return (y_hat - y) ** 2 / 2


@catalogue.mistake(
    "squared_loss",
    hint="The loss is averaged into a scalar; squared_loss returns one loss per example, shape (N, 1) "
         "(the training loop sums it, and sgd divides by the batch size).",
    hint_zh="损失被平均成了一个标量；squared_loss 应返回每个样本的损失，形状 (N, 1)（训练循环对其求和，sgd 再除以批量大小）。")
def averaged_loss(y_hat, y):
    return ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).mean()


@catalogue.mistake(
    "squared_loss",
    hint="The factor 1/2 is missing: the squared loss here is (y_hat - y)**2 / 2.",
    hint_zh="缺少系数 1/2：这里的平方损失是 (y_hat - y)**2 / 2。")
def no_half(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2


@catalogue.mistake(
    "sgd",
    hint="The step is not divided by batch_size: the gradients are those of the summed loss, so the step is "
         "p - lr * g / batch_size.",
    hint_zh="更新没有除以 batch_size：梯度来自求和后的损失，因此更新为 p - lr * g / batch_size。")
def no_batch_division(params, grads, lr, batch_size):
    return [p - lr * g for p, g in zip(params, grads)]


@catalogue.mistake(
    "sgd",
    hint="The step goes up the gradient: descent subtracts it, p - lr * g / batch_size.",
    hint_zh="更新方向沿着梯度上升了：梯度下降应减去梯度，p - lr * g / batch_size。")
def gradient_ascent(params, grads, lr, batch_size):
    return [p + lr * g / batch_size for p, g in zip(params, grads)]


# -- 3. softmax and cross-entropy ------------------------------------------------------------------

@catalogue.mistake(
    "softmax",
    hint="exp() of large scores overflows to inf and gives NaN: subtract each row's maximum before exponentiating.",
    hint_zh="对很大的分数直接取 exp() 会溢出为 inf 并产生 NaN：取指数前先减去每行的最大值。")
def no_max_subtraction(X):
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(dim=-1, keepdim=True)


@catalogue.mistake(
    "softmax",
    hint="You subtract the maximum of the whole tensor (X.max()), not of each row: a row far below the global "
         "maximum underflows to 0/0 = NaN. Use X.max(dim=-1, keepdim=True).",
    hint_zh="你减去的是整个张量的最大值（X.max()），而不是每一行的最大值：远低于全局最大值的行会下溢成 0/0 = NaN。请使用 X.max(dim=-1, keepdim=True)。")
def global_max(X):
    X_exp = torch.exp(X - X.max())
    return X_exp / X_exp.sum(dim=-1, keepdim=True)


@catalogue.mistake(
    "softmax",
    hint="You normalise over dim=1; the classes are on the last axis (dim=-1), which is dim=1 only for 2-D inputs.",
    hint_zh="你在 dim=1 上归一化；类别在最后一维（dim=-1），只有二维输入时它才是 dim=1。")
def normalised_over_dim1(X):
    X_exp = torch.exp(X - X.amax(dim=1, keepdim=True))
    return X_exp / X_exp.sum(dim=1, keepdim=True)


@catalogue.mistake(
    "cross_entropy",
    hint="log(softmax(...)) gives log 0 = -inf once a probability underflows (large logits): compute the log-softmax "
         "directly as x - max - log(sum(exp(x - max))).",
    hint_zh="一旦某个概率下溢（logits 很大），log(softmax(...)) 会得到 log 0 = -inf：请直接计算 log-softmax，即 x - max - log(sum(exp(x - max)))。")
def log_of_softmax(logits, y):
    probs = softmax(logits)
    return -torch.log(probs.gather(1, y[:, None])).mean()


@catalogue.mistake(
    "cross_entropy",
    hint="The loss is averaged over classes as well as examples (a mean over the one-hot (N, C) matrix): "
         "average over the N examples only.",
    hint_zh="损失同时对类别和样本求了平均（对 one-hot 的 (N, C) 矩阵求均值）：只应对 N 个样本求平均。")
def mean_over_classes(logits, y):
    shifted = logits - logits.amax(dim=-1, keepdim=True)
    log_probs = shifted - torch.log(torch.exp(shifted).sum(dim=-1, keepdim=True))
    one_hot = torch.zeros_like(log_probs).scatter(1, y[:, None], 1.0)
    return -(one_hot * log_probs).mean()


@catalogue.mistake(
    "cross_entropy",
    hint="The loss is summed over the batch: F.cross_entropy (and this assignment) averages it over the examples.",
    hint_zh="损失对批量求了和：F.cross_entropy（以及本作业）对样本求平均。")
def summed_over_batch(logits, y):
    shifted = logits - logits.amax(dim=-1, keepdim=True)
    log_probs = shifted - torch.log(torch.exp(shifted).sum(dim=-1, keepdim=True))
    return -log_probs.gather(1, y[:, None]).sum()


# -- 4. dropout and the MLP ------------------------------------------------------------------------

@catalogue.mistake(
    "dropout",
    hint="The kept entries are not divided by 1 - p: inverted dropout scales them up so that the expected "
         "output stays X, and evaluation needs no change.",
    hint_zh="保留下来的元素没有除以 1 - p：倒置 dropout 要放大它们，使输出的期望仍为 X，评估时才无需改动。")
def not_scaled(X, p, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"the dropout probability must be in [0, 1], got p={p}")
    if not training or p == 0.0:
        return X
    if p == 1.0:
        return torch.zeros_like(X)
    keep = torch.rand(X.shape, device=X.device) > p
    return X * keep


@catalogue.mistake(
    "dropout",
    hint="Entries are dropped even when training=False: in evaluation, dropout returns its input unchanged.",
    hint_zh="training=False 时仍在丢弃元素：评估时 dropout 应原样返回输入。")
def ignores_training_flag(X, p, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"the dropout probability must be in [0, 1], got p={p}")
    if p == 0.0:
        return X
    if p == 1.0:
        return torch.zeros_like(X)
    keep = torch.rand(X.shape, device=X.device) > p
    return X * keep / (1.0 - p)


@catalogue.mistake(
    "dropout",
    hint="Your mask keeps an entry with probability p (torch.rand(...) < p): p is the probability of dropping, "
         "so keep where torch.rand(...) > p.",
    hint_zh="你的掩码以概率 p 保留元素（torch.rand(...) < p）：p 是丢弃的概率，应在 torch.rand(...) > p 处保留。")
def keeps_with_probability_p(X, p, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"the dropout probability must be in [0, 1], got p={p}")
    if not training or p == 0.0:
        return X
    if p == 1.0:
        return torch.zeros_like(X)
    keep = torch.rand(X.shape, device=X.device) < p
    return X * keep / (1.0 - p)


@catalogue.mistake(
    "dropout",
    hint="p=1 gives NaN: the mask is all zeros and you divide by 1 - p = 0. Return zeros when p == 1.",
    hint_zh="p=1 时得到 NaN：掩码全为 0，又除以 1 - p = 0。p == 1 时请直接返回全零。")
def nan_when_all_dropped(X, p, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"the dropout probability must be in [0, 1], got p={p}")
    if not training:
        return X
    keep = torch.rand(X.shape, device=X.device) > p
    return X * keep / (1.0 - p)


@catalogue.mistake(
    "MLP",
    hint="Dropout also acts in eval mode: pass the module's mode, dropout(H, p, self.training), so that "
         "model.eval() turns it off.",
    hint_zh="eval 模式下 dropout 仍在起作用：请传入模块的模式 dropout(H, p, self.training)，这样 model.eval() 才能关闭它。")
class DropoutInEvalMode(MLP):
    def forward(self, X):
        H = torch.relu(self.hidden(X.flatten(start_dim=1)))
        return self.output(dropout(H, self.drop_prob))


@catalogue.mistake(
    "MLP",
    hint="No dropout is applied in training mode: apply your dropout to the hidden units when self.training is True.",
    hint_zh="训练模式下没有应用 dropout：当 self.training 为 True 时，请对隐藏单元应用你的 dropout。")
class NeverDrops(MLP):
    def forward(self, X):
        return self.output(torch.relu(self.hidden(X.flatten(start_dim=1))))


@catalogue.mistake(
    "MLP",
    hint="The ReLU after the hidden layer is missing: without it the two Linear layers are one linear map.",
    hint_zh="隐藏层之后缺少 ReLU：没有它，两个线性层只相当于一个线性映射。")
class NoActivation(MLP):
    def forward(self, X):
        H = self.hidden(X.flatten(start_dim=1))
        return self.output(dropout(H, self.drop_prob, self.training))


# -- 5. LeNet --------------------------------------------------------------------------------------

@catalogue.mistake(
    "LeNet",
    hint="conv1 has no padding: LeNet pads the 28x28 input by 2 (Conv2d(1, 6, 5, padding=2)), so that conv1 keeps "
         "28x28 and the flattened features number 16*5*5 = 400.",
    hint_zh="conv1 没有填充：LeNet 对 28x28 输入填充 2（Conv2d(1, 6, 5, padding=2)），使 conv1 输出仍为 28x28，展平后为 16*5*5 = 400 个特征。")
class NoPadding(LeNet):
    def __init__(self, pooling="avg", activation="sigmoid", num_classes=10):
        super().__init__(pooling, activation, num_classes)
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)


@catalogue.mistake(
    "LeNet",
    hint="The pooling argument is ignored: pooling='max' must use nn.MaxPool2d(2, stride=2).",
    hint_zh="忽略了 pooling 参数：pooling='max' 时应使用 nn.MaxPool2d(2, stride=2)。")
class IgnoresPooling(LeNet):
    def __init__(self, pooling="avg", activation="sigmoid", num_classes=10):
        super().__init__(pooling, activation, num_classes)
        self.pool = nn.AvgPool2d(2, stride=2)


@catalogue.mistake(
    "LeNet",
    hint="The activation argument is ignored: activation='relu' must use ReLU after every convolution and the "
         "first two Linear layers.",
    hint_zh="忽略了 activation 参数：activation='relu' 时，每个卷积层和前两个全连接层之后都应使用 ReLU。")
class IgnoresActivation(LeNet):
    def __init__(self, pooling="avg", activation="sigmoid", num_classes=10):
        super().__init__(pooling, activation, num_classes)
        self.act = nn.Sigmoid()


@catalogue.mistake(
    "LeNet",
    hint="The activation is also applied to the output of fc3: the logits go to cross-entropy as they are.",
    hint_zh="fc3 的输出也经过了激活函数：logits 应原样交给交叉熵。")
class ActivationOnLogits(LeNet):
    def forward(self, X):
        X = self.pool(self.act(self.conv1(X)))
        X = self.pool(self.act(self.conv2(X)))
        X = X.flatten(start_dim=1)
        X = self.act(self.fc2(self.act(self.fc1(X))))
        return self.act(self.fc3(X))


@catalogue.mistake(
    "LeNet",
    hint="The feature maps are flattened channels-last ((N, H, W, C) order, as in Keras): PyTorch's fc1 expects "
         "(C, H, W) order, X.flatten(start_dim=1).",
    hint_zh="特征图按通道在后（(N, H, W, C) 顺序，如 Keras）展平了：PyTorch 的 fc1 期望 (C, H, W) 顺序，即 X.flatten(start_dim=1)。")
class FlattensChannelsLast(LeNet):
    def forward(self, X):
        X = self.pool(self.act(self.conv1(X)))
        X = self.pool(self.act(self.conv2(X)))
        X = X.permute(0, 2, 3, 1).reshape(len(X), -1)
        X = self.act(self.fc1(X))
        X = self.act(self.fc2(X))
        return self.fc3(X)


@catalogue.mistake(
    "LeNet",
    hint="activations() records each layer's input instead of its output (or is shifted by one layer): "
         "store X after applying the layer.",
    hint_zh="activations() 记录的是每一层的输入而不是输出（或错开了一层）：应在应用该层之后再保存 X。")
class RecordsInputs(LeNet):
    def activations(self, X):
        layers = [("conv1", self.conv1), ("act1", self.act), ("pool1", self.pool),
                  ("conv2", self.conv2), ("act2", self.act), ("pool2", self.pool),
                  ("flatten", nn.Flatten()), ("fc1", self.fc1), ("act3", self.act),
                  ("fc2", self.fc2), ("act4", self.act), ("fc3", self.fc3)]
        outputs = {}
        for name, layer in layers:
            outputs[name] = X
            X = layer(X)
        return outputs


# -- 6. gradient checking --------------------------------------------------------------------------

@catalogue.mistake(
    "numerical_gradient",
    hint="This is a one-sided difference (f(x + eps) - f(x)) / eps, with error O(eps): use the central "
         "difference (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), with error O(eps^2).",
    hint_zh="这是单侧差分 (f(x + eps) - f(x)) / eps，误差为 O(eps)：请使用中心差分 (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)，误差为 O(eps^2)。")
def one_sided(f, x, eps=1e-5):
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x).reshape(-1)
        step[i] = eps
        grad.view(-1)[i] = (f(x + step.reshape(x.shape)) - f(x)) / eps
    return grad


@catalogue.mistake(
    "numerical_gradient",
    hint="The central difference is divided by eps instead of 2 eps: the two points are 2 eps apart, so "
         "your gradient is twice too large.",
    hint_zh="中心差分除以了 eps 而不是 2 eps：两个点相距 2 eps，所以你的梯度大了一倍。")
def divided_by_eps(f, x, eps=1e-5):
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x).reshape(-1)
        step[i] = eps
        step = step.reshape(x.shape)
        grad.view(-1)[i] = (f(x + step) - f(x - step)) / eps
    return grad


@catalogue.mistake(
    "numerical_gradient",
    hint="x is perturbed in place and not restored: after entry i, every later difference is taken at a "
         "shifted point. Restore x[i] (or perturb a copy) before moving on.",
    hint_zh="x 被原地扰动后没有恢复：处理完第 i 个元素后，之后的差分都在错误的点上计算。请在继续之前恢复 x[i]（或扰动一个副本）。")
def not_restored(f, x, eps=1e-5):
    x = x.clone()
    flat = x.view(-1)
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        flat[i] += eps
        plus = f(x)
        flat[i] -= 2 * eps
        minus = f(x)
        grad.view(-1)[i] = (plus - minus) / (2 * eps)
    return grad


# -- 7. momentum and Adam --------------------------------------------------------------------------

@catalogue.mistake(
    "momentum_step",
    hint="The learning rate is inside the velocity (v = momentum * v + lr * g, p = p - v): the parameters agree "
         "for a constant lr, but PyTorch's velocity, asked for here, is momentum * v + g.",
    hint_zh="学习率被放进了速度里（v = momentum * v + lr * g，p = p - v）：学习率不变时参数相同，但本作业要求的是 PyTorch 的速度 momentum * v + g。")
def lr_inside_velocity(params, grads, velocities, lr, momentum=0.9):
    new_velocities = [momentum * v + lr * g for v, g in zip(velocities, grads)]
    return [p - v for p, v in zip(params, new_velocities)], new_velocities


@catalogue.mistake(
    "momentum_step",
    hint="The velocity is an exponential average, momentum * v + (1 - momentum) * g (the DLS course's form): "
         "torch.optim.SGD uses momentum * v + g.",
    hint_zh="速度被写成了指数平均 momentum * v + (1 - momentum) * g（DLS 课程的写法）：torch.optim.SGD 使用 momentum * v + g。")
def dampened_velocity(params, grads, velocities, lr, momentum=0.9):
    new_velocities = [momentum * v + (1 - momentum) * g for v, g in zip(velocities, grads)]
    return [p - lr * v for p, v in zip(params, new_velocities)], new_velocities


@catalogue.mistake(
    "adam_step",
    hint="There is no bias correction: divide m by 1 - beta1**t and v by 1 - beta2**t, or the first steps are "
         "far too small (m and v start at 0).",
    hint_zh="缺少偏差修正：m 要除以 1 - beta1**t，v 要除以 1 - beta2**t，否则由于 m 和 v 从 0 开始，最初几步会小得多。")
def no_bias_correction(params, grads, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    new_m = [beta1 * mi + (1 - beta1) * g for mi, g in zip(m, grads)]
    new_v = [beta2 * vi + (1 - beta2) * g * g for vi, g in zip(v, grads)]
    new_params = [p - lr * mi / (torch.sqrt(vi) + eps) for p, mi, vi in zip(params, new_m, new_v)]
    return new_params, new_m, new_v


@catalogue.mistake(
    "adam_step",
    hint="eps is inside the square root, sqrt(v_hat + eps): torch.optim.Adam adds it outside, sqrt(v_hat) + eps, "
         "which matters when gradients are small.",
    hint_zh="eps 被放进了平方根里 sqrt(v_hat + eps)：torch.optim.Adam 把它加在外面 sqrt(v_hat) + eps，梯度很小时差别明显。")
def eps_inside_sqrt(params, grads, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    new_m = [beta1 * mi + (1 - beta1) * g for mi, g in zip(m, grads)]
    new_v = [beta2 * vi + (1 - beta2) * g * g for vi, g in zip(v, grads)]
    new_params = [p - lr * (mi / (1 - beta1 ** t)) / torch.sqrt(vi / (1 - beta2 ** t) + eps)
                  for p, mi, vi in zip(params, new_m, new_v)]
    return new_params, new_m, new_v


@catalogue.mistake(
    "adam_step",
    hint="The second moment averages g, not g**2: v = beta2 * v + (1 - beta2) * g * g.",
    hint_zh="二阶矩平均的是 g 而不是 g**2：v = beta2 * v + (1 - beta2) * g * g。")
def second_moment_of_g(params, grads, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    new_m = [beta1 * mi + (1 - beta1) * g for mi, g in zip(m, grads)]
    new_v = [beta2 * vi + (1 - beta2) * g for vi, g in zip(v, grads)]
    new_params = [p - lr * (mi / (1 - beta1 ** t)) / (torch.sqrt((vi / (1 - beta2 ** t)).abs()) + eps)
                  for p, mi, vi in zip(params, new_m, new_v)]
    return new_params, new_m, new_v


# -- 8. distillation -------------------------------------------------------------------------------

@catalogue.mistake(
    "distillation_loss",
    hint="The soft term is not multiplied by T**2: softening by T shrinks its gradients by 1/T**2, and T**2 "
         "restores their size.",
    hint_zh="软目标项没有乘以 T**2：除以温度 T 会让其梯度缩小为 1/T**2，乘以 T**2 才能恢复其大小。")
def no_temperature_squared(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    log_p_student = torch.log_softmax(student_logits / T, dim=-1)
    log_p_teacher = torch.log_softmax(teacher_logits / T, dim=-1)
    kl = (log_p_teacher.exp() * (log_p_teacher - log_p_student)).sum(dim=-1).mean()
    return alpha * kl + (1 - alpha) * cross_entropy(student_logits, labels)


@catalogue.mistake(
    "distillation_loss",
    hint="The KL divergence is taken in the wrong direction, KL(student || teacher): distillation uses "
         "KL(teacher || student) = sum p_teacher * (log p_teacher - log p_student), as "
         "F.kl_div(log p_student, p_teacher).",
    hint_zh="KL 散度方向反了，成了 KL(学生 || 教师)：蒸馏使用 KL(教师 || 学生) = sum p_teacher * (log p_teacher - log p_student)，即 F.kl_div(log p_student, p_teacher)。")
def kl_reversed(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    log_p_student = torch.log_softmax(student_logits / T, dim=-1)
    log_p_teacher = torch.log_softmax(teacher_logits / T, dim=-1)
    kl = (log_p_student.exp() * (log_p_student - log_p_teacher)).sum(dim=-1).mean()
    return alpha * T ** 2 * kl + (1 - alpha) * cross_entropy(student_logits, labels)


@catalogue.mistake(
    "distillation_loss",
    hint="The KL term is averaged over classes as well as examples (F.kl_div's reduction='mean'): sum over "
         "classes and average over examples, reduction='batchmean'.",
    hint_zh="KL 项同时对类别和样本求了平均（F.kl_div 的 reduction='mean'）：应对类别求和、对样本求平均，即 reduction='batchmean'。")
def kl_mean_over_classes(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    log_p_student = torch.log_softmax(student_logits / T, dim=-1)
    log_p_teacher = torch.log_softmax(teacher_logits / T, dim=-1)
    kl = (log_p_teacher.exp() * (log_p_teacher - log_p_student)).mean()
    return alpha * T ** 2 * kl + (1 - alpha) * cross_entropy(student_logits, labels)


@catalogue.mistake(
    "distillation_loss",
    hint="The hard-label cross-entropy uses the softened logits student_logits / T: it uses the student's "
         "logits as they are.",
    hint_zh="硬标签交叉熵使用了软化后的 logits（student_logits / T）：应直接使用学生的原始 logits。")
def hard_loss_softened(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    log_p_student = torch.log_softmax(student_logits / T, dim=-1)
    log_p_teacher = torch.log_softmax(teacher_logits / T, dim=-1)
    kl = (log_p_teacher.exp() * (log_p_teacher - log_p_student)).sum(dim=-1).mean()
    return alpha * T ** 2 * kl + (1 - alpha) * cross_entropy(student_logits / T, labels)


@catalogue.mistake(
    "distillation_loss",
    hint="log(softmax(teacher / T)) is -inf where a teacher probability underflows to 0, and 0 * -inf is NaN: "
         "use log_softmax (or torch.xlogy), so that such classes contribute 0.",
    hint_zh="教师概率下溢为 0 时 log(softmax(teacher / T)) 为 -inf，而 0 * -inf 是 NaN：请使用 log_softmax（或 torch.xlogy），使这些类别贡献 0。")
def log_of_teacher_probabilities(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    log_p_student = torch.log_softmax(student_logits / T, dim=-1)
    p_teacher = torch.softmax(teacher_logits / T, dim=-1)
    kl = (p_teacher * (torch.log(p_teacher) - log_p_student)).sum(dim=-1).mean()
    return alpha * T ** 2 * kl + (1 - alpha) * cross_entropy(student_logits, labels)


@catalogue.mistake(
    "distillation_loss",
    hint="alpha weighs the wrong term: alpha multiplies the soft (teacher) term and 1 - alpha the hard-label "
         "cross-entropy.",
    hint_zh="alpha 加权的项弄反了：alpha 乘软目标（教师）项，1 - alpha 乘硬标签交叉熵。")
def alpha_swapped(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    log_p_student = torch.log_softmax(student_logits / T, dim=-1)
    log_p_teacher = torch.log_softmax(teacher_logits / T, dim=-1)
    kl = (log_p_teacher.exp() * (log_p_teacher - log_p_student)).sum(dim=-1).mean()
    return (1 - alpha) * T ** 2 * kl + alpha * cross_entropy(student_logits, labels)
