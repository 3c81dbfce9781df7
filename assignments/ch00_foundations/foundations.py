# %% [markdown]
# # 第 0 章 深度学习基础 · Chapter 0: Foundations
#
# 在本作业中，你将从零实现深度学习的基本构件：合成数据与小批量读取、线性回归与随机梯度下降、
# 数值稳定的 softmax 与交叉熵、带（倒置）dropout 的多层感知机、可切换汇聚方式与激活函数的 LeNet
# （实验课练习：把平均汇聚换成最大汇聚、把 sigmoid 换成 ReLU，并查看每一层的激活），数值梯度检验，
# 动量法与 Adam 的单步更新，以及带温度的知识蒸馏损失；最后在手写数字数据上训练你的多层感知机。
#
# In this assignment you build the basic pieces of deep learning from scratch: synthetic data and
# minibatches, linear regression and stochastic gradient descent, numerically stable softmax and
# cross-entropy, a multilayer perceptron with (inverted) dropout, LeNet with a choice of pooling and
# activation (the lab exercise: swap average pooling for max pooling and sigmoid for ReLU, and look
# at every layer's activations), a numerical gradient check, single steps of momentum and Adam, and
# the distillation loss with a temperature; finally you train your MLP on handwritten digits.
#
# 只修改 `TODO` 处的代码；函数名、参数名和子模块名必须与说明一致。
# Change only the code marked `TODO`; keep every function, parameter and submodule name as given.

# %%
import torch
from torch import nn


# %% [markdown]
# ## 1. 合成数据与小批量 · Synthetic data and minibatches
#
# 线性模型 $\mathbf y = \mathbf X \mathbf w + b + \epsilon$，其中 $\epsilon \sim \mathcal N(0, \sigma^2)$。
# 训练时每个轮次（epoch）打乱样本，再按顺序切成小批量。
#
# A linear model $\mathbf y = \mathbf X \mathbf w + b + \epsilon$ with $\epsilon \sim \mathcal N(0, \sigma^2)$.
# Each epoch shuffles the examples, then cuts them into consecutive minibatches.

# %%
def synthetic_data(w, b, num_examples, noise=0.01):
    """Examples of a linear model with Gaussian label noise: ``y = X w + b + noise * eps``.

    Args:
        w (Tensor[d]): the true weights. b (float): the true bias.
        num_examples (int): how many examples, N.
        noise (float): standard deviation of the label noise; 0 gives exact labels.

    Returns:
        (X, y): X (Tensor[N, d]) with independent standard normal entries, y (Tensor[N, 1]), both
        of ``w``'s dtype and on ``w``'s device.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('synthetic_data')


def data_iter(batch_size, features, labels):
    """One epoch of shuffled minibatches.

    Args:
        batch_size (int): examples per batch, at least 1.
        features (Tensor[N, ...]), labels (Tensor[N, ...]): example i is ``(features[i], labels[i])``.

    Returns:
        list of ``(X, y)`` pairs: every example appears in exactly one batch, with its own label;
        batches are in a random order (a fresh shuffle on every call) and all hold ``batch_size``
        examples except the last, which holds the remaining ``N % batch_size`` when that is not 0.
        A list rather than a generator, so that the batches are plain data.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('data_iter')


# %% [markdown]
# ## 2. 从零实现线性回归 · Linear regression from scratch
#
# 模型 $\hat{\mathbf y} = \mathbf X \mathbf w + b$；平方损失 $\ell = \frac12 (\hat y - y)^2$（逐样本，不求平均）；
# 小批量随机梯度下降 $\mathbf p \leftarrow \mathbf p - \frac{\eta}{|\mathcal B|} \nabla_{\mathbf p} \sum_{i \in \mathcal B} \ell_i$。
# 这里的 `sgd` 是一个纯函数：返回新的参数，不修改输入。
#
# Model $\hat{\mathbf y} = \mathbf X \mathbf w + b$; squared loss $\ell = \frac12 (\hat y - y)^2$ per
# example (not averaged); minibatch SGD divides the gradient of the *summed* loss by the batch size.
# `sgd` is a pure function: it returns new parameters and leaves its inputs alone.

# %%
def linreg(X, w, b):
    """The linear model.

    Args:
        X (Tensor[N, d]), w (Tensor[d, 1]), b (Tensor[1]).

    Returns:
        Tensor[N, 1]: ``X w + b``.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('linreg')


def squared_loss(y_hat, y):
    """Half the squared error of each example (no mean, no sum).

    Args:
        y_hat (Tensor[N, 1]): predictions. y (Tensor[N] or Tensor[N, 1]): targets; a flat ``y`` is
            reshaped to ``y_hat``'s shape first (subtracting (N,) from (N, 1) would broadcast to (N, N)).

    Returns:
        Tensor[N, 1]: ``(y_hat - y) ** 2 / 2``.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('squared_loss')


def sgd(params, grads, lr, batch_size):
    """One step of minibatch SGD, as a pure function: ``p - lr * g / batch_size`` for each parameter.

    Args:
        params (list of Tensor): the parameters. grads (list of Tensor): the gradients of the loss
            *summed* over the minibatch, one per parameter and of its shape.
        lr (float): learning rate. batch_size (int): examples in the minibatch.

    Returns:
        list of Tensor: the new parameters, in order. The inputs are not modified.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('sgd')


# %% [markdown]
# ## 3. Softmax 与交叉熵 · Softmax and cross-entropy
#
# $\mathrm{softmax}(\mathbf x)_j = \frac{\exp(x_j - m)}{\sum_k \exp(x_k - m)}$，其中 $m = \max_k x_k$：
# 减去每行的最大值不改变结果，却能避免 $\exp$ 溢出（logits 约为 $10^4$ 时也要正确）。
# 交叉熵用 $\log \mathrm{softmax}(\mathbf x)_j = x_j - m - \log \sum_k \exp(x_k - m)$，不要对 softmax 的结果取 log。
#
# Subtracting each row's maximum leaves the softmax unchanged and keeps $\exp$ from overflowing
# (it must work for logits around $10^4$). Cross-entropy uses
# $\log \mathrm{softmax}(\mathbf x)_j = x_j - m - \log \sum_k \exp(x_k - m)$ rather than the log of
# the softmax, which is $\log 0 = -\infty$ once a probability underflows.

# %%
def softmax(X):
    """Softmax over the last axis, stable for large inputs.

    Args:
        X (Tensor[..., C]): scores; any number of leading dimensions.

    Returns:
        Tensor[..., C]: non-negative, summing to 1 over the last axis; finite for finite X of any size.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('softmax')


def cross_entropy(logits, y):
    """Mean cross-entropy of a batch, as ``F.cross_entropy(logits, y)``: ``mean_i -log softmax(logits_i)[y_i]``.

    Args:
        logits (Tensor[N, C]): unnormalised scores. y (LongTensor[N]): class indices in ``[0, C)``.

    Returns:
        Tensor[]: the loss averaged over the N examples (not over the classes). Finite for logits
        around 1e4, where ``log(softmax(...))`` would give ``log 0 = -inf``.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('cross_entropy')


# %% [markdown]
# ## 4. 多层感知机与 dropout · MLP with dropout
#
# 倒置 dropout：训练时以概率 $p$ 把每个元素置零，并把保留下来的元素除以 $1 - p$，使期望不变；
# 评估（`training=False`）时原样返回输入。
#
# Inverted dropout: in training, zero each entry with probability $p$ and divide the survivors by
# $1 - p$, so that the expectation is unchanged; in evaluation (`training=False`) return the input.

# %%
def dropout(X, p, training=True):
    """Inverted dropout.

    Args:
        X (Tensor[...]): any shape. p (float): probability of dropping an entry, ``0 <= p <= 1``.
        training (bool): when False, ``X`` is returned unchanged.

    Returns:
        Tensor of X's shape: each entry 0 with probability p, else ``X / (1 - p)``. ``p == 1``
        gives all zeros (not NaN); ``p == 0`` gives X.

    Raises:
        ValueError: when p is outside [0, 1].
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('dropout')


class MLP(nn.Module):
    """One hidden layer with ReLU, and dropout on the hidden units in training mode.

    Submodules (names are part of the assignment): ``hidden`` = Linear(num_inputs, num_hiddens),
    ``output`` = Linear(num_hiddens, num_outputs).
    """

    def __init__(self, num_inputs, num_hiddens, num_outputs, dropout):
        super().__init__()
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('__init__')

    def forward(self, X):
        """
        Args:
            X (Tensor[N, ...]): N examples of ``num_inputs`` values each (images (N, 1, 8, 8) are
                flattened to (N, 64)).

        Returns:
            Tensor[N, num_outputs]: logits.
        """
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('forward')


# %% [markdown]
# ## 5. LeNet：平均汇聚还是最大汇聚，sigmoid 还是 ReLU · LeNet: avg or max pooling, sigmoid or ReLU
#
# 实验课练习：把平均汇聚层替换为最大汇聚层、把 sigmoid 替换为 ReLU，会发生什么？显示两个不同输入时
# 每一层的激活值及其形状。输入为 (N, 1, 28, 28)；各层名称与输出形状：
#
# The lab exercise: what happens when average pooling becomes max pooling and sigmoid becomes ReLU?
# Show every layer's activations, and their shapes, for two different inputs. Inputs are
# (N, 1, 28, 28); the layers, by name, with their output shapes:
#
# | name | layer | output |
# | --- | --- | --- |
# | `conv1` | Conv2d(1, 6, 5, padding=2) | (N, 6, 28, 28) |
# | `act1` | sigmoid / ReLU | (N, 6, 28, 28) |
# | `pool1` | 2×2 avg / max pooling, stride 2 | (N, 6, 14, 14) |
# | `conv2` | Conv2d(6, 16, 5) | (N, 16, 10, 10) |
# | `act2` | sigmoid / ReLU | (N, 16, 10, 10) |
# | `pool2` | 2×2 avg / max pooling, stride 2 | (N, 16, 5, 5) |
# | `flatten` | flatten | (N, 400) |
# | `fc1` | Linear(400, 120) | (N, 120) |
# | `act3` | sigmoid / ReLU | (N, 120) |
# | `fc2` | Linear(120, 84) | (N, 84) |
# | `act4` | sigmoid / ReLU | (N, 84) |
# | `fc3` | Linear(84, num_classes) | (N, num_classes) |

# %%
class LeNet(nn.Module):
    """LeNet-5 as in Dive into Deep Learning, with the pooling and the activation to choose.

    Submodules with parameters (names are part of the assignment): ``conv1``, ``conv2``, ``fc1``,
    ``fc2``, ``fc3`` as in the table above. Pooling and activation have no parameters.

    Raises:
        ValueError: when ``pooling`` is not "avg" or "max", or ``activation`` not "sigmoid" or "relu".
    """

    def __init__(self, pooling="avg", activation="sigmoid", num_classes=10):
        super().__init__()
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('__init__')

    def forward(self, X):
        """X (Tensor[N, 1, 28, 28]) -> logits (Tensor[N, num_classes])."""
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('forward')

    def activations(self, X):
        """Every layer's output for the inputs X, as in the table above.

        Args:
            X (Tensor[N, 1, 28, 28]).

        Returns:
            dict: layer name -> Tensor, the twelve names of the table in network order; the last,
            ``fc3``, is ``forward(X)``.
        """
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('activations')


# %% [markdown]
# ## 6. 梯度检验 · Gradient checking
#
# 中心差分 $\frac{\partial f}{\partial x_i} \approx \frac{f(\mathbf x + \epsilon \mathbf e_i) - f(\mathbf x - \epsilon \mathbf e_i)}{2\epsilon}$，
# 误差为 $O(\epsilon^2)$；单侧差分 $\frac{f(\mathbf x + \epsilon \mathbf e_i) - f(\mathbf x)}{\epsilon}$ 的误差为 $O(\epsilon)$。
# 请用 float64：在 float32 中，$f$ 的舍入误差除以 $\epsilon$ 后会淹没结果。
#
# Central differences have error $O(\epsilon^2)$; one-sided differences only $O(\epsilon)$. Use
# float64: in float32 the rounding error of $f$, divided by $\epsilon$, swamps the result.

# %%
def numerical_gradient(f, x, eps=1e-5):
    """The gradient of a scalar function by central differences, one entry of x at a time.

    Args:
        f (callable): Tensor of x's shape -> scalar Tensor.
        x (Tensor[...]): the point, any shape (float64 recommended). eps (float): the step.

    Returns:
        Tensor of x's shape and dtype: entry i is ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``,
        where ``e_i`` is 1 at entry i and 0 elsewhere. ``x`` itself is left unchanged.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('numerical_gradient')


# %% [markdown]
# ## 7. 动量法与 Adam · Momentum and Adam
#
# 两者都写成纯函数：输入参数、梯度和优化器状态，返回新的参数和新的状态（与 `torch.optim` 的约定一致）。
#
# - 动量 / momentum (`torch.optim.SGD(momentum=β)`): $\mathbf v \leftarrow \beta \mathbf v + \mathbf g$,
#   $\mathbf p \leftarrow \mathbf p - \eta \mathbf v$；速度从 0 开始。Velocities start at 0.
# - Adam (`torch.optim.Adam`): $\mathbf m \leftarrow \beta_1 \mathbf m + (1-\beta_1)\mathbf g$,
#   $\mathbf v \leftarrow \beta_2 \mathbf v + (1-\beta_2)\mathbf g^2$,
#   $\hat{\mathbf m} = \mathbf m / (1-\beta_1^t)$, $\hat{\mathbf v} = \mathbf v / (1-\beta_2^t)$,
#   $\mathbf p \leftarrow \mathbf p - \eta\, \hat{\mathbf m} / (\sqrt{\hat{\mathbf v}} + \epsilon)$；
#   $t$ 从 1 开始计数。The step count $t$ starts at 1.

# %%
def momentum_step(params, grads, velocities, lr, momentum=0.9):
    """One step of SGD with momentum, in ``torch.optim.SGD(momentum=...)``'s convention.

    Args:
        params, grads, velocities (lists of Tensor, matching shapes): velocities are 0 before the
            first step. lr (float). momentum (float): beta.

    Returns:
        (new_params, new_velocities), two lists: ``v = momentum * v + g`` and ``p = p - lr * v``.
        The learning rate is not part of the velocity (a choice PyTorch made; for a constant lr the
        parameters come out the same either way, the state does not).
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('momentum_step')


def adam_step(params, grads, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    """One Adam step, as ``torch.optim.Adam`` takes it.

    Args:
        params, grads, m, v (lists of Tensor, matching shapes): m and v are the first and second
            moment estimates, 0 before the first step. t (int): this step's number, 1 for the first.
        lr (float), betas (tuple of 2 floats), eps (float): added to the square root, not inside it.

    Returns:
        (new_params, new_m, new_v), three lists. Bias correction divides m and v by ``1 - beta ** t``
        so that early steps are not shrunk towards the zero start.
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('adam_step')


# %% [markdown]
# ## 8. 知识蒸馏 · Knowledge distillation
#
# $\mathcal L = \alpha T^2\, \mathrm{KL}\big(\mathrm{softmax}(\mathbf t / T) \,\|\, \mathrm{softmax}(\mathbf s / T)\big)
# + (1 - \alpha)\, \mathrm{CE}(\mathbf s, y)$，KL 对类别求和、对样本求平均（`reduction="batchmean"`）。
# $T^2$ 使软目标梯度的大小不随温度变化（Hinton 等, 2015）。交叉熵用的是未除以 $T$ 的学生 logits。
#
# The KL term sums over classes and averages over examples (`reduction="batchmean"`); $T^2$ keeps the
# soft targets' gradients the same size at any temperature (Hinton et al., 2015). The cross-entropy
# uses the student's logits without the temperature.

# %%
def distillation_loss(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    """Soft-target (teacher) loss plus hard-label loss.

    Args:
        student_logits (Tensor[N, C]), teacher_logits (Tensor[N, C]), labels (LongTensor[N]).
        T (float): temperature, > 0. alpha (float): weight of the soft-target term, in [0, 1].

    Returns:
        Tensor[]: ``alpha * T**2 * KL(p_teacher || p_student) + (1 - alpha) * cross_entropy``, with
        ``p = softmax(logits / T)``. Finite even when a teacher probability underflows to 0
        (that class then contributes 0 to the KL).
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('distillation_loss')


# %% [markdown]
# ## 9. 在手写数字上训练 · Train on handwritten digits
#
# 用你的 `MLP`、`data_iter` 和 `cross_entropy` 训练一个分类器（优化器可以用 `torch.optim`）。评分程序
# 只把训练数据交给你的函数，然后在它从未见过标签的测试图像上计算准确率。
#
# Train a classifier with your `MLP`, `data_iter` and `cross_entropy` (you may use `torch.optim` for
# the optimiser). The grader gives your function the training data only, then scores accuracy on
# test images whose labels your code never sees.

# %%
def train_mlp(features, labels, num_hiddens=64, dropout=0.2, num_epochs=30, lr=0.1, batch_size=32):
    """Train an :class:`MLP` classifier with minibatch SGD on :func:`cross_entropy`.

    Args:
        features (Tensor[N, ...]): e.g. digits (N, 1, 8, 8) with values in [0, 1].
        labels (LongTensor[N]): classes ``0 .. C-1`` with ``C = labels.max() + 1``.
        num_hiddens, dropout: the MLP's. num_epochs, lr, batch_size: the training's.

    Returns:
        (model, losses): the trained MLP in eval mode, and the mean training loss of each epoch
        (a list of ``num_epochs`` Python floats).
    """
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('train_mlp')
