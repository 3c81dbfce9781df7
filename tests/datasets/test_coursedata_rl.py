"""Gymnasium environments: seeding, and exact tabular models that give the optimal values."""

from __future__ import annotations

import pytest
import torch

from coursedata import rl


def trajectory(name: str, seed: int, steps: int = 30) -> list:
    env = rl.make_env(name, seed=seed)
    observation, _ = env.reset()
    record = [observation.tolist() if hasattr(observation, "tolist") else observation]
    for _ in range(steps):
        observation, reward, terminated, truncated, _ = env.step(env.action_space.sample())
        record.append((observation.tolist() if hasattr(observation, "tolist") else observation, reward))
        if terminated or truncated:
            observation, _ = env.reset()
    return record


@pytest.mark.parametrize("name", rl.ENVIRONMENTS)
def test_same_seed_gives_the_same_trajectory(name):
    """Do two environments made with one seed, driven by their own seeded action spaces, behave identically?"""
    assert trajectory(name, seed=4) == trajectory(name, seed=4)


@pytest.mark.parametrize("name", ["FrozenLake-v1", "CartPole-v1"])
def test_different_seeds_give_different_trajectories(name):
    """Does another seed change what happens?"""
    assert trajectory(name, seed=4) != trajectory(name, seed=5)


def test_unknown_environment_lists_the_choices():
    """Does an unsupported environment raise and list the supported ones?"""
    with pytest.raises(ValueError, match="CartPole-v1"):
        rl.make_env("ALE/Pong-v5")


@pytest.mark.parametrize("name", rl.TABULAR)
def test_transition_rows_are_distributions(name):
    """Does every P(. | s, a) sum to 1, with 'continues' never above it?"""
    model = rl.tabular_model(rl.make_env(name))
    torch.testing.assert_close(model.transitions.sum(dim=-1), torch.ones(model.rewards.shape, dtype=torch.float64))
    assert (model.continues <= model.transitions + 1e-12).all()


@pytest.mark.parametrize("name", rl.TABULAR)
def test_value_iteration_matches_exact_policy_evaluation(name):
    """Is V* from value iteration equal to the value of its greedy policy solved as a linear system?"""
    gamma = 0.95
    model = rl.tabular_model(rl.make_env(name))
    values, policy = rl.value_iteration(model, gamma=gamma)
    states = torch.arange(len(policy))
    p_pi, r_pi = model.continues[states, policy], model.rewards[states, policy]
    exact = torch.linalg.solve(torch.eye(len(policy), dtype=torch.float64) - gamma * p_pi, r_pi)
    torch.testing.assert_close(values, exact, atol=1e-8, rtol=0)


def test_frozenlake_start_value_is_the_known_one():
    """Is the optimal start value of slippery 4x4 FrozenLake at gamma 0.99 the textbook 0.542?"""
    values, _ = rl.value_iteration(rl.tabular_model(rl.make_env("FrozenLake-v1")), gamma=0.99)
    assert values[0].item() == pytest.approx(0.542, abs=1e-3)


def test_cartpole_has_no_table():
    """Does asking for the table of a continuous environment raise?"""
    with pytest.raises(ValueError, match="transition table"):
        rl.tabular_model(rl.make_env("CartPole-v1"))
