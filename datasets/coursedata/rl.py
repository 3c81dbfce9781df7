"""Reinforcement-learning environments that gymnasium ships, seeded, plus exact tabular models.

Only environments that need no download and no display are offered. ``tabular_model`` turns a
toy-text environment's transition table into tensors, so value iteration can be computed
exactly and used as the oracle for Q-learning and value-iteration exercises.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

ENVIRONMENTS = ("FrozenLake-v1", "FrozenLake8x8-v1", "CliffWalking-v1", "CartPole-v1", "MountainCar-v0", "Acrobot-v1")
"""Environment ids checked to work offline and without rendering."""

TABULAR = ("FrozenLake-v1", "FrozenLake8x8-v1", "CliffWalking-v1")
"""The ones with a finite transition table, usable with ``tabular_model``."""


def make_env(name: str, seed: int = 0, **kwargs):
    """Return a gymnasium environment whose randomness is fixed by ``seed``.

    The environment is reset once with ``reset(seed=seed)`` and its action space seeded; start
    every episode with a plain ``env.reset()`` (no seed): the sequence of episodes, and of
    ``env.action_space.sample()`` draws, is then a function of ``seed`` alone.

    Args:
        name (str): one of ``ENVIRONMENTS``.
        seed (int): seed of the environment and of its action space.
        **kwargs: passed to ``gymnasium.make`` (e.g. ``is_slippery=False`` for FrozenLake).

    Returns:
        gymnasium.Env: without rendering (``render_mode=None``).
    """
    import gymnasium

    if name not in ENVIRONMENTS:
        raise ValueError(f"unknown or unsupported environment {name!r}; choose one of {ENVIRONMENTS}")
    env = gymnasium.make(name, **kwargs)
    env.reset(seed=seed)
    env.action_space.seed(seed)
    return env


@dataclass
class TabularModel:
    """The exact dynamics of a finite environment with ``S`` states and ``A`` actions.

    Attributes:
        transitions (Tensor[S, A, S]): float64 ``P(s' | s, a)``; each ``[s, a]`` row sums to 1.
        rewards (Tensor[S, A]): float64 expected immediate reward of taking ``a`` in ``s``.
        continues (Tensor[S, A, S]): float64 probability of moving to ``s'`` *without* the
            episode ending, so the Bellman backup is exact with terminal masking:
            ``Q = rewards + gamma * continues @ V``.
    """

    transitions: Tensor
    rewards: Tensor
    continues: Tensor


def tabular_model(env) -> TabularModel:
    """Return the transition table of a toy-text environment as tensors.

    Args:
        env (gymnasium.Env): one of ``TABULAR`` (reads ``env.unwrapped.P``, which gymnasium
            stores as ``P[s][a] = [(probability, next_state, reward, terminated), ...]``).

    Returns:
        TabularModel: see its attributes.
    """
    table = getattr(env.unwrapped, "P", None)
    if table is None:
        raise ValueError(f"{env.spec.id if env.spec else env} has no transition table; use one of {TABULAR}")
    num_states, num_actions = env.observation_space.n, env.action_space.n
    transitions = torch.zeros(num_states, num_actions, num_states, dtype=torch.float64)
    continues = torch.zeros_like(transitions)
    rewards = torch.zeros(num_states, num_actions, dtype=torch.float64)
    for state, actions in table.items():
        for action, outcomes in actions.items():
            for probability, next_state, reward, terminated in outcomes:
                transitions[state, action, int(next_state)] += probability
                rewards[state, action] += probability * reward
                if not terminated:
                    continues[state, action, int(next_state)] += probability
    return TabularModel(transitions, rewards, continues)


def value_iteration(model: TabularModel, gamma: float = 0.99, tolerance: float = 1e-10) -> tuple[Tensor, Tensor]:
    """Return the optimal state values and a greedy optimal policy (the oracle for tabular RL).

    Args:
        model (TabularModel): from ``tabular_model``.
        gamma (float): discount in ``[0, 1)``.
        tolerance (float): stop when no value changes by more than this.

    Returns:
        (Tensor[S], Tensor[S]): float64 ``V*`` and int64 greedy actions (ties: lowest action id).
        Entries of terminal states (FrozenLake's holes and goal, CliffWalking's goal) and of
        unreachable ones (CliffWalking's cliff) are never used by a backup, so ignore them.
    """
    if not 0.0 <= gamma < 1.0:
        raise ValueError(f"gamma must lie in [0, 1), got {gamma}")
    values = torch.zeros(model.rewards.shape[0], dtype=torch.float64)
    while True:
        q = model.rewards + gamma * model.continues @ values  # (S, A)
        new_values = q.max(dim=1).values
        if (new_values - values).abs().max() <= tolerance:
            return new_values, q.argmax(dim=1)
        values = new_values
