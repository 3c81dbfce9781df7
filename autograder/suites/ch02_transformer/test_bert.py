"""Hidden tests of BERT's input packing and embedding, MLM masking (80/10/10) and NSP pairs.

The random functions are tested by their contract (which positions, which fractions, which
values), never by the order of the student's random draws. The fractions are checked with
tolerances of at least 4.5 standard deviations: a correct solution fails about once in 10^5 runs,
and always the same way for a given seed, since every call is seeded.
"""

import pytest
import torch

from autograder import checks
from autograder.judge.describe import describe

PAD, CLS, SEP, MASK, NUM_SPECIAL, IGNORE = 0, 1, 2, 3, 4, -100
VOCAB = 30


@pytest.mark.covers("bert_input")
class TestBertInput:
    @pytest.mark.grade(2, "numerics")
    def test_sentence_pair(self, student, reference):
        """Is a pair packed as [CLS] a [SEP] b [SEP], with segment 0 through the first [SEP] and 1 after it?"""
        checks.same(student.bert_input, reference.bert_input, torch.tensor([7, 8, 9]), torch.tensor([10, 11]))

    @pytest.mark.grade(1, "numerics")
    def test_single_sentence(self, student, reference):
        """Is a single sentence packed as [CLS] a [SEP], all in segment 0?"""
        checks.same(student.bert_input, reference.bert_input, torch.tensor([5, 6, 7, 8]))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Are [CLS], [SEP] and the segments built on the sentences' device?"""
        checks.device_agnostic(student.bert_input, reference.bert_input, torch.tensor([4, 5]), torch.tensor([6]))


def _embedding_pair(student, reference, seed=0):
    return checks.twin_modules(student, reference, "BERTEmbedding", VOCAB, 8, 10, seed=seed)


def _packed_batch():
    tokens = checks.randint(NUM_SPECIAL, VOCAB, 2, 7, seed=21)
    tokens[:, 0], tokens[:, 3], tokens[:, 6] = CLS, SEP, SEP
    segments = torch.tensor([[0, 0, 0, 0, 1, 1, 1]] * 2)
    return tokens, segments


@pytest.mark.covers("BERTEmbedding")
class TestBERTEmbedding:
    @pytest.mark.grade(1, "api")
    def test_submodules(self, student):
        """Are there token, segment and position embeddings and a norm (LayerNorm), of the asked sizes?"""
        checks.has_parameters(student.BERTEmbedding(VOCAB, 8, 10), {
            "token.weight": (VOCAB, 8), "segment.weight": (2, 8), "position.weight": (10, 8),
            "norm.weight": (8,), "norm.bias": (8,)})

    @pytest.mark.grade(3, "numerics")
    def test_matches_reference(self, student, reference):
        """Is it LayerNorm(token + segment + position embedding), position j using row j?"""
        ours, theirs = _embedding_pair(student, reference, seed=1)
        checks.same(theirs, ours, *_packed_batch())

    @pytest.mark.grade(1, "api")
    def test_rejects_too_long_input(self, student):
        """Does a sequence longer than max_len raise ValueError?"""
        theirs = student.BERTEmbedding(VOCAB, 8, 4)
        checks.fails_with(theirs, *_packed_batch(), error="ValueError")

    @pytest.mark.grade(1, "gradient")
    def test_gradients(self, student, reference):
        """Do all three embedding tables and the norm receive the reference's gradients?"""
        torch.manual_seed(2)
        ours = reference.BERTEmbedding(VOCAB, 8, 10).double()
        theirs = student.BERTEmbedding(VOCAB, 8, 10)
        theirs.double()
        checks.copy_weights(theirs, ours)
        checks.gradients_match(theirs, ours, _packed_batch(), wrt=(), params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Are the positions built on the tokens' device?"""
        ours, theirs = _embedding_pair(student, reference, seed=3)
        checks.device_agnostic(theirs, ours, *_packed_batch())


def _corpus(rows=64, cols=128, seed=31):
    """Random ids in [0, VOCAB): about 13% of them special."""
    return checks.randint(0, VOCAB, rows, cols, seed=seed)


def _masked(student, tokens, mask_prob):
    """The student's (inputs, labels), checked for type and shape."""
    result = student.mask_tokens(tokens, VOCAB, mask_prob)
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise checks.CheckFailure(f"mask_tokens should return (inputs, labels), got {describe(result)}")
    inputs, labels = result
    checks.shape_is(inputs, tuple(tokens.shape), what="inputs")
    checks.shape_is(labels, tuple(tokens.shape), what="labels")
    checks.close(inputs.dtype, torch.int64, what="the dtype of inputs")
    checks.close(labels.dtype, torch.int64, what="the dtype of labels")
    return result


@pytest.mark.covers("mask_tokens")
class TestMaskTokens:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is mask_tokens(tokens, vocab_size, mask_prob=0.15) defined, and does it return (inputs, labels) of int64?"""
        checks.has_signature(student, "mask_tokens", ["tokens", "vocab_size", "mask_prob"],
                             example=(_corpus(2, 5), VOCAB))
        _masked(student, _corpus(4, 8), 0.15)

    @pytest.mark.grade(2, "numerics")
    def test_special_tokens_never_selected(self, student, reference):
        """Are [PAD], [CLS], [SEP] and [MASK] (ids < 4) never selected: label IGNORE_INDEX, input unchanged?"""
        tokens = _corpus()
        got = _masked(student, tokens, 0.5)
        inputs, labels = got
        special = tokens < NUM_SPECIAL
        labelled, changed = int((labels[special] != IGNORE).sum()), int((inputs[special] != tokens[special]).sum())
        if labelled or changed:
            checks.fail(student.mask_tokens, reference.mask_tokens, (tokens, VOCAB, 0.5), {},
                       f"of {int(special.sum())} special tokens, {labelled} got a label and {changed} were changed; "
                       "special tokens must never be selected", got)

    @pytest.mark.grade(2, "numerics")
    def test_labels_mark_the_selected_tokens(self, student, reference):
        """Is each label the original token where selected and IGNORE_INDEX elsewhere, with unselected inputs unchanged?"""
        tokens = _corpus(seed=32)
        got = _masked(student, tokens, 0.15)
        inputs, labels = got
        selected = labels != IGNORE
        problem = None
        if not torch.equal(labels[selected], tokens[selected]):
            problem = (f"{int((labels[selected] != tokens[selected]).sum())} labels differ from the original token; "
                       "a label must be the token that was there before corruption")
        elif not torch.equal(inputs[~selected], tokens[~selected]):
            problem = (f"{int((inputs[~selected] != tokens[~selected]).sum())} positions without a label were "
                       "changed; only selected tokens may be corrupted")
        if problem:
            checks.fail(student.mask_tokens, reference.mask_tokens, (tokens, VOCAB, 0.15), {}, problem, got)

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("mask_prob", [0.15, 0.4])
    def test_selects_a_fraction_mask_prob(self, student, reference, mask_prob):
        """Is each regular token selected (given a label) with probability mask_prob?"""
        tokens = _corpus(128, 128, seed=33)
        got = _masked(student, tokens, mask_prob)
        regular = tokens >= NUM_SPECIAL
        fraction = float((got[1][regular] != IGNORE).float().mean())
        # Standard deviation of the fraction: at most 0.0043 over these ~14,200 regular tokens.
        if abs(fraction - mask_prob) > 0.025:
            checks.fail(student.mask_tokens, reference.mask_tokens, (tokens, VOCAB, mask_prob), {},
                       f"{fraction:.1%} of the regular tokens were selected with mask_prob={mask_prob}", got)

    @pytest.mark.grade(3, "numerics")
    def test_eighty_ten_ten(self, student, reference):
        """Of the selected tokens, do about 80% become [MASK], 10% a random token and 10% stay unchanged?"""
        tokens = _corpus(128, 128, seed=34)
        got = _masked(student, tokens, 0.5)
        inputs, labels = got
        selected = labels != IGNORE
        n = int(selected.sum())
        masked = float((inputs[selected] == MASK).float().mean()) if n else 0.0
        kept = float((inputs[selected] == tokens[selected]).float().mean()) if n else 0.0
        # About 7,100 selected tokens: standard deviations 0.005 (80%) and 0.0036 (10%). A random
        # replacement equals the original 1 time in 26, so "unchanged" expects 0.1 + 0.1 / 26.
        expected_kept = 0.1 + 0.1 / (VOCAB - NUM_SPECIAL)
        if n == 0 or abs(masked - 0.8) > 0.03 or abs(kept - expected_kept) > 0.02:
            checks.fail(student.mask_tokens, reference.mask_tokens, (tokens, VOCAB, 0.5), {},
                       f"of {n} selected tokens, {masked:.1%} became [MASK] and {kept:.1%} stayed unchanged; "
                       f"expected about 80% and {expected_kept:.1%} (10% unchanged, plus random draws of the same "
                       "token)", got)

    @pytest.mark.grade(2, "numerics")
    def test_random_replacements_are_regular_tokens(self, student, reference):
        """Are random replacements drawn from the regular ids [NUM_SPECIAL, vocab_size), never a special id?"""
        tokens = _corpus(128, 128, seed=35)
        got = _masked(student, tokens, 0.5)
        inputs, labels = got
        replaced = (labels != IGNORE) & (inputs != MASK) & (inputs != tokens)
        bad = replaced & ((inputs < NUM_SPECIAL) | (inputs >= VOCAB))
        if bad.any() or not replaced.any():
            problem = (f"{int(bad.sum())} of {int(replaced.sum())} random replacements are outside the regular ids "
                       f"[{NUM_SPECIAL}, {VOCAB}), e.g. {int(inputs[bad][0])}" if bad.any() else
                       "no selected token was replaced by a random token")
            checks.fail(student.mask_tokens, reference.mask_tokens, (tokens, VOCAB, 0.5), {}, problem, got)

    @pytest.mark.grade(1, "numerics")
    def test_probability_zero_changes_nothing(self, student, reference):
        """With mask_prob=0, are the inputs the tokens and every label IGNORE_INDEX?"""
        checks.same(student.mask_tokens, reference.mask_tokens, _corpus(4, 16, seed=36), VOCAB, 0.0)

    @pytest.mark.grade(1, "numerics")
    def test_probability_one_selects_every_regular_token(self, student, reference):
        """With mask_prob=1, does every regular token, and no special one, get its label?"""
        tokens = _corpus(8, 32, seed=37)
        got = _masked(student, tokens, 1.0)
        expected = tokens.masked_fill(tokens < NUM_SPECIAL, IGNORE)
        problem = checks.compare(got[1], expected, path="labels")
        if problem:
            checks.fail(student.mask_tokens, reference.mask_tokens, (tokens, VOCAB, 1.0), {}, problem, got)

    @pytest.mark.grade(1, "determinism")
    def test_reproducible_with_a_seed(self, student):
        """Does the same seed give the same corruption, and another seed another one?"""
        tokens = _corpus(8, 32, seed=38)
        checks.deterministic(student.mask_tokens, tokens, VOCAB, 0.3)
        checks.differs_across_seeds(student.mask_tokens, tokens, VOCAB, 0.3)

    @pytest.mark.grade(1, "api")
    def test_rejects_probability_outside_0_1(self, student):
        """Does mask_prob=1.5 raise ValueError?"""
        checks.fails_with(student.mask_tokens, _corpus(2, 4), VOCAB, 1.5, error="ValueError")

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Are the random draws made on the tokens' device?"""
        # With mask_prob=0 nothing is selected, so CUDA and CPU agree although their random numbers differ.
        checks.device_agnostic(student.mask_tokens, reference.mask_tokens, _corpus(4, 8, seed=39), VOCAB, 0.0)


def _sentences(n):
    """n distinct short sentences of regular ids."""
    return [[NUM_SPECIAL + i % 40, NUM_SPECIAL + i // 40, NUM_SPECIAL + (i * 7) % 13] for i in range(n)]


def _pairs(student, sentences, seed=0):
    """The student's pairs as (a, b, is_next) with lists and a bool, or a failure saying what is wrong."""
    result = student.nsp_pairs.call((sentences,), seed=seed)
    if not isinstance(result, (list, tuple)) or len(result) != len(sentences) - 1:
        raise checks.CheckFailure(f"nsp_pairs of {len(sentences)} sentences should return a list of "
                                  f"{len(sentences) - 1} (a, b, is_next) tuples, got {describe(result)}")
    pairs = []
    for item in result:
        if not (isinstance(item, (list, tuple)) and len(item) == 3):
            raise checks.CheckFailure(f"each pair should be a tuple (a, b, is_next), got {describe(item)}")
        a, b, flag = item
        if isinstance(flag, torch.Tensor) and flag.numel() == 1:
            flag = flag.item()
        if not isinstance(flag, (bool, int)) or flag not in (0, 1):
            raise checks.CheckFailure(f"is_next should be a bool, got {describe(flag)}")
        pairs.append((_as_list(a), _as_list(b), bool(flag)))
    return result, pairs


def _as_list(value):
    return value.tolist() if isinstance(value, torch.Tensor) else list(value) if isinstance(value, (list, tuple)) \
        else value


@pytest.mark.covers("nsp_pairs")
class TestNspPairs:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is nsp_pairs(sentences) defined, and does it return one (a, b, is_next) per adjacent pair?"""
        checks.has_signature(student, "nsp_pairs", ["sentences"], example=(_sentences(3),))
        _pairs(student, _sentences(4))

    @pytest.mark.grade(2, "numerics")
    def test_first_sentence_and_true_next(self, student, reference):
        """Is a sentences[i], and b sentences[i + 1] exactly when is_next is True?"""
        sentences = _sentences(400)
        got, pairs = _pairs(student, sentences)
        for i, (a, b, is_next) in enumerate(pairs):
            problem = None
            if a != sentences[i]:
                problem = f"pair {i}: a should be sentences[{i}]"
            elif is_next and b != sentences[i + 1]:
                problem = f"pair {i}: is_next is True but b is not sentences[{i + 1}]"
            elif not is_next and b not in sentences:
                problem = f"pair {i}: is_next is False but b is not a sentence of the corpus"
            if problem:
                checks.fail(student.nsp_pairs, reference.nsp_pairs, (sentences,), {}, problem, got)

    @pytest.mark.grade(2, "numerics")
    def test_not_next_is_never_the_true_next(self, student, reference):
        """When is_next is False, is b never the true next sentence (checked on a 3-sentence corpus, 30 seeds)?"""
        sentences = _sentences(3)
        for seed in range(30):
            got, pairs = _pairs(student, sentences, seed=seed)
            for i, (_, b, is_next) in enumerate(pairs):
                if not is_next and b == sentences[i + 1]:
                    checks.fail(student.nsp_pairs, reference.nsp_pairs, (sentences,), {},
                               f"with seed {seed}, pair {i} is labelled NotNext but b is the true next sentence; draw "
                               "the random sentence among the others", got, seed=seed)

    @pytest.mark.grade(1, "numerics")
    def test_half_are_next(self, student, reference):
        """Is about half of 1,600 pairs IsNext?"""
        sentences = _sentences(1601)
        got, pairs = _pairs(student, sentences)
        fraction = sum(p[2] for p in pairs) / len(pairs)
        # Standard deviation 0.0125; 0.06 is 4.8 of them.
        if abs(fraction - 0.5) > 0.06:
            checks.fail(student.nsp_pairs, reference.nsp_pairs, (sentences,), {},
                       f"{fraction:.1%} of the pairs are IsNext; expected about 50%", got)

    @pytest.mark.grade(1, "determinism")
    def test_reproducible_with_a_seed(self, student):
        """Does the same seed give the same pairs, and another seed other ones?"""
        checks.deterministic(student.nsp_pairs, _sentences(50))
        checks.differs_across_seeds(student.nsp_pairs, _sentences(50))

    @pytest.mark.grade(1, "api")
    def test_rejects_a_single_sentence(self, student):
        """Does a corpus of one sentence raise ValueError?"""
        checks.fails_with(student.nsp_pairs, _sentences(1), error="ValueError")
