"""Hidden tests of the GPT block and model, next-token sampling and generation."""

import pytest
import torch

from autograder import checks
from autograder.judge.describe import describe

VOCAB, BLOCK, D_MODEL, HEADS = 11, 8, 16, 2


def _pair(student, reference, name, *args, seed=0):
    return checks.twin_modules(student, reference, name, *args, seed=seed)


def _block_keys(prefix=""):
    keys = {f"self_attn.{n}.{p}": (D_MODEL, D_MODEL) if p == "weight" else (D_MODEL,)
            for n in ("W_q", "W_k", "W_v", "W_o") for p in ("weight", "bias")}
    keys.update({"ffn.linear1.weight": (4 * D_MODEL, D_MODEL), "ffn.linear1.bias": (4 * D_MODEL,),
                 "ffn.linear2.weight": (D_MODEL, 4 * D_MODEL), "ffn.linear2.bias": (D_MODEL,)})
    keys.update({f"{n}.{p}": (D_MODEL,) for n in ("norm1", "norm2") for p in ("weight", "bias")})
    return {prefix + k: v for k, v in keys.items()}


def _check_prefix_unchanged(student_call, reference_fn, x, changed_x, cut, what):
    """Fail unless the outputs at positions < cut are the same for x and for changed_x (equal before cut)."""
    before = student_call.call((x,))
    after = student_call.call((changed_x,))
    problem = checks.compare(after[:, :cut], before[:, :cut], path=f"the output at positions 0..{cut - 1}")
    if problem:
        checks.fail(student_call, reference_fn, (changed_x,), {},
                   f"changing the input at positions >= {cut} changed {problem.split(':', 1)[1].strip()}; {what}",
                   after)


@pytest.mark.covers("GPTBlock")
class TestGPTBlock:
    @pytest.mark.grade(1, "api")
    def test_submodules(self, student):
        """Does the block have norm1, self_attn, norm2 and ffn, as an encoder layer does?"""
        checks.has_parameters(student.GPTBlock(D_MODEL, HEADS, 4 * D_MODEL), _block_keys())

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """With the reference's weights, is it x + attn(LN(x)) with a causal mask, then x + FFN(LN(x))?"""
        ours, theirs = _pair(student, reference, "GPTBlock", D_MODEL, HEADS, 4 * D_MODEL, seed=seed)
        checks.same(theirs, ours, checks.randn(2, 6, D_MODEL, seed=seed))

    @pytest.mark.grade(2, "numerics")
    def test_is_causal(self, student, reference):
        """Do outputs at positions < 3 stay the same when the input changes at positions >= 3?"""
        ours, theirs = _pair(student, reference, "GPTBlock", D_MODEL, HEADS, 4 * D_MODEL, seed=2)
        x = checks.randn(2, 6, D_MODEL, seed=2)
        changed = x.clone()
        changed[:, 3:] = checks.randn(2, 3, D_MODEL, seed=3)
        _check_prefix_unchanged(theirs, ours, x, changed, 3, "position i must not see positions after i")

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients of the input and of every parameter match?"""
        torch.manual_seed(4)
        ours = reference.GPTBlock(D_MODEL, HEADS, 4 * D_MODEL).double()
        theirs = student.GPTBlock(D_MODEL, HEADS, 4 * D_MODEL)
        theirs.double()
        checks.copy_weights(theirs, ours)
        checks.gradients_match(theirs, ours, (checks.randn(2, 5, D_MODEL, seed=4, dtype=torch.float64),), wrt=(0,),
                               arg_names=("x",), params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Is the causal mask built on the input's device?"""
        ours, theirs = _pair(student, reference, "GPTBlock", D_MODEL, HEADS, 4 * D_MODEL, seed=5)
        checks.device_agnostic(theirs, ours, checks.randn(2, 5, D_MODEL, seed=5))


def _gpt_pair(student, reference, seed=0):
    return _pair(student, reference, "GPT", VOCAB, BLOCK, D_MODEL, HEADS, 2, seed=seed)


def _gpt_keys():
    keys = {"token_embedding.weight": (VOCAB, D_MODEL), "position_embedding.weight": (BLOCK, D_MODEL),
            "norm.weight": (D_MODEL,), "norm.bias": (D_MODEL,), "lm_head.weight": (VOCAB, D_MODEL)}
    for i in range(2):
        keys.update(_block_keys(f"blocks.{i}."))
    return keys


@pytest.mark.covers("GPT")
class TestGPT:
    @pytest.mark.grade(1, "api")
    def test_submodules(self, student):
        """Are there token_embedding, position_embedding, blocks.0/1, norm and a bias-free lm_head, and block_size?"""
        theirs = student.GPT(VOCAB, BLOCK, D_MODEL, HEADS, 2)
        checks.has_parameters(theirs, _gpt_keys())
        checks.close(theirs.block_size, BLOCK, what="GPT(...).block_size")

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize("length", [BLOCK, 1])
    def test_matches_reference(self, student, reference, length):
        """With the reference's weights, are the logits (B, L, vocab_size) the reference's, for L = block_size and L = 1?"""
        ours, theirs = _gpt_pair(student, reference, seed=1)
        checks.same(theirs, ours, checks.randint(0, VOCAB, 3, length, seed=length))

    @pytest.mark.grade(2, "numerics")
    def test_is_causal(self, student, reference):
        """Do the logits at positions < 5 stay the same when tokens at positions >= 5 change?"""
        ours, theirs = _gpt_pair(student, reference, seed=2)
        idx = checks.randint(0, VOCAB, 2, BLOCK, seed=2)
        changed = idx.clone()
        changed[:, 5:] = (changed[:, 5:] + 1) % VOCAB
        _check_prefix_unchanged(theirs, ours, idx, changed, 5, "the logits at position i must depend on tokens "
                                "0..i only")

    @pytest.mark.grade(1, "api")
    def test_rejects_too_long_input(self, student):
        """Does an input longer than block_size raise ValueError?"""
        theirs = student.GPT(VOCAB, 4, D_MODEL, HEADS, 1)
        checks.fails_with(theirs, checks.randint(0, VOCAB, 1, 5, seed=3), error="ValueError")

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Does every parameter get the reference's gradient?"""
        torch.manual_seed(4)
        ours = reference.GPT(VOCAB, BLOCK, D_MODEL, HEADS, 2).double()
        theirs = student.GPT(VOCAB, BLOCK, D_MODEL, HEADS, 2)
        theirs.double()
        checks.copy_weights(theirs, ours)
        checks.gradients_match(theirs, ours, (checks.randint(0, VOCAB, 2, 6, seed=4),), wrt=(), params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Are the positions and the causal mask built on the input's device?"""
        ours, theirs = _gpt_pair(student, reference, seed=5)
        checks.device_agnostic(theirs, ours, checks.randint(0, VOCAB, 2, 6, seed=5))


def _samples(student, logits, what, **kwargs):
    got = student.sample_next_token(logits, **kwargs)
    checks.shape_is(got, (logits.shape[0],), what=what)
    checks.close(got.dtype, torch.int64, what=f"the dtype of {what}")
    return got


def _check_frequencies(student, reference, row, temperature, top_k, n=20000):
    """Fail unless n draws from one logits row follow softmax(row / T) restricted to the top k."""
    logits = row.expand(n, -1).clone()
    kwargs = {"temperature": temperature, "top_k": top_k}
    got = _samples(student, logits, "the samples", **kwargs)
    scaled = row.double() / temperature
    if top_k is not None:
        scaled = scaled.masked_fill(scaled < scaled.topk(top_k).values[-1], float("-inf"))
    expected = torch.softmax(scaled, dim=-1)
    counts = torch.bincount(got.clamp(0, row.numel() - 1), minlength=row.numel()).double()
    frequency = counts / n
    # Five standard deviations of each frequency, plus a little: a correct sampler fails about once in 10^6.
    tolerance = 5 * (expected * (1 - expected) / n).sqrt() + 2e-3
    if ((frequency - expected).abs() > tolerance).any():
        checks.fail(student.sample_next_token, reference.sample_next_token, (logits,), kwargs,
                   f"over {n} draws from logits {[round(v, 2) for v in row.tolist()]} with temperature={temperature}, "
                   f"top_k={top_k}, the tokens' frequencies are {[round(v, 3) for v in frequency.tolist()]}; "
                   f"softmax(logits / temperature) over the top k gives {[round(v, 3) for v in expected.tolist()]}",
                   got)


@pytest.mark.covers("sample_next_token")
class TestSampleNextToken:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is sample_next_token(logits, temperature=1.0, top_k=None) defined, and does it return (B,) int64 ids?"""
        checks.has_signature(student, "sample_next_token", ["logits", "temperature", "top_k"],
                             example=(checks.randn(2, 5),))
        _samples(student, checks.randn(3, 5, seed=1), "sample_next_token(logits)")

    @pytest.mark.grade(2, "numerics")
    def test_temperature_zero_is_greedy(self, student, reference):
        """With temperature=0, is the arg-max of each row returned?"""
        checks.same(student.sample_next_token, reference.sample_next_token, checks.randn(6, 9, seed=2),
                   temperature=0.0)

    @pytest.mark.grade(1, "numerics")
    def test_top_1_is_greedy(self, student, reference):
        """With top_k=1 (and temperature 1), is the arg-max of each row returned?"""
        checks.same(student.sample_next_token, reference.sample_next_token, checks.randn(6, 9, seed=3), top_k=1)

    @pytest.mark.grade(2, "numerics")
    def test_top_k_draws_only_among_the_k_best(self, student, reference):
        """With top_k=3, is every draw one of its row's 3 largest logits?"""
        logits = checks.randn(2000, 10, seed=4)
        got = _samples(student, logits, "the samples", top_k=3)
        allowed = logits.topk(3, dim=-1).indices                                  # (N, 3)
        outside = ~(allowed == got.clamp(0, 9)[:, None]).any(dim=-1)
        if outside.any():
            checks.fail(student.sample_next_token, reference.sample_next_token, (logits,), {"top_k": 3},
                       f"{int(outside.sum())} of 2000 draws are not among their row's 3 largest logits", got)

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("temperature", [0.5, 2.0])
    def test_frequencies_follow_the_temperature(self, student, reference, temperature):
        """Over 20,000 draws, do the tokens' frequencies match softmax(logits / temperature)?"""
        _check_frequencies(student, reference, torch.tensor([1.0, 0.0, 2.0, -1.0, 0.5]), temperature, None)

    @pytest.mark.grade(2, "numerics")
    def test_frequencies_with_top_k(self, student, reference):
        """With top_k=2 and temperature 1.5, are the two best tokens drawn in proportion softmax(logits / T) renormalised?"""
        _check_frequencies(student, reference, torch.tensor([1.0, 0.0, 2.0, -1.0, 0.5]), 1.5, 2)

    @pytest.mark.grade(1, "api")
    def test_rejects_negative_temperature(self, student):
        """Does temperature=-1 raise ValueError?"""
        checks.fails_with(student.sample_next_token, checks.randn(2, 4), temperature=-1.0, error="ValueError")

    @pytest.mark.grade(1, "determinism")
    def test_reproducible_with_a_seed(self, student):
        """Does the same seed give the same draws?"""
        checks.deterministic(student.sample_next_token, checks.randn(50, 6, seed=5), temperature=1.0)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does greedy selection run on the logits' device?"""
        checks.device_agnostic(student.sample_next_token, reference.sample_next_token, checks.randn(3, 7, seed=6),
                               temperature=0.0)


def _generated(student, theirs, idx, max_new_tokens, **kwargs):
    got = student.generate.call((theirs, idx, max_new_tokens), kwargs)
    expected_shape = (idx.shape[0], idx.shape[1] + max_new_tokens)
    if not isinstance(got, torch.Tensor):
        raise checks.CheckFailure(f"generate should return a LongTensor of shape {list(expected_shape)}, "
                                  f"got {describe(got)}")
    checks.shape_is(got, expected_shape, what="the generated sequence")
    return got


@pytest.mark.covers("generate")
class TestGenerate:
    @pytest.mark.grade(3, "numerics")
    def test_greedy_matches_reference(self, student, reference):
        """With your GPT holding the reference's weights and temperature=0, is the greedy continuation the reference's (13 tokens > block_size 8)?"""
        ours, theirs = _gpt_pair(student, reference, seed=1)
        idx = checks.randint(0, VOCAB, 2, 3, seed=1)
        checks.same(student.generate, reference.generate, ours, idx, 10, student_args=(theirs, idx, 10),
                   temperature=0.0)

    @pytest.mark.grade(2, "numerics")
    def test_prompt_longer_than_block_size(self, student, reference):
        """Does a 12-token prompt (block_size 8) work, feeding only the last block_size tokens?"""
        ours, theirs = _gpt_pair(student, reference, seed=2)
        idx = checks.randint(0, VOCAB, 2, 12, seed=2)
        checks.same(student.generate, reference.generate, ours, idx, 3, student_args=(theirs, idx, 3),
                   temperature=0.0)

    @pytest.mark.grade(1, "shape")
    def test_no_new_tokens_returns_the_prompt(self, student, reference):
        """With max_new_tokens=0, is the prompt returned unchanged?"""
        _, theirs = _gpt_pair(student, reference, seed=3)
        idx = checks.randint(0, VOCAB, 2, 4, seed=3)
        checks.close(_generated(student, theirs, idx, 0), idx, what="generate(model, idx, 0)")

    @pytest.mark.grade(2, "numerics")
    def test_sampled_tokens_respect_top_k(self, student, reference):
        """With temperature 1 and top_k=2, is the prompt kept and each new token among the 2 best for its context?"""
        ours, theirs = _gpt_pair(student, reference, seed=4)
        idx = checks.randint(0, VOCAB, 4, 3, seed=4)
        got = _generated(student, theirs, idx, 9, temperature=1.0, top_k=2)
        problem = checks.compare(got[:, :3], idx, path="the prompt part of the result")
        with torch.no_grad():
            for t in range(3, got.shape[1]):
                if problem:
                    break
                context = got[:, max(0, t - BLOCK):t]
                best = ours(context)[:, -1].topk(2, dim=-1).indices                    # (B, 2)
                if not (best == got[:, t:t + 1]).any(dim=-1).all():
                    problem = (f"the token at position {t} is not among the 2 most likely next tokens for the "
                               f"last {context.shape[1]} tokens before it")
        if problem:
            checks.fail(student.generate, reference.generate, (ours, idx, 9), {"temperature": 1.0, "top_k": 2}, problem,
                       got, shown_args=(theirs, idx, 9))

    @pytest.mark.grade(1, "determinism")
    def test_reproducible_with_a_seed(self, student, reference):
        """Does the same seed give the same sampled continuation?"""
        _, theirs = _gpt_pair(student, reference, seed=5)
        checks.deterministic(student.generate, theirs, checks.randint(0, VOCAB, 2, 3, seed=5), 6, temperature=1.0)
