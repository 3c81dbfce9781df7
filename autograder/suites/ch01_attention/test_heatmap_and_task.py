"""Hidden tests of the heatmap and of the key-value retrieval task."""

import pytest
import torch
from coursedata import sequences

from autograder import checks

VOCAB = 16
TRAIN_BUDGET_S = 60.0
ACCURACY_THRESHOLD = 0.9  # the reference reaches 1.00 on held-out data in about 2 s on 2 CPU cores


@pytest.mark.covers("plot_attention_heatmap")
class TestPlotAttentionHeatmap:
    @pytest.mark.grade(2, "numerics")
    def test_shows_the_weights(self, student):
        """Does the figure show one image whose values are the weights, queries along y?"""
        weights = torch.softmax(checks.randn(3, 5, seed=1), dim=-1)
        figure = student.plot_attention_heatmap(weights)
        _check_is_figure(figure)
        images = [image for axes in figure["axes"] for image in axes["images"]]
        matching = [im for im in images if tuple(im.shape) == (3, 5)]
        if len(matching) != 1:
            raise checks.CheckFailure(f"the figure should show the (3, 5) weights as one image; it shows images of "
                                      f"shapes {[tuple(im.shape) for im in images]}")
        checks.close(torch.from_numpy(matching[0]), weights.double(), what="the image's values", atol=1e-6)

    @pytest.mark.grade(1, "api")
    def test_labels_and_title(self, student):
        """Are the key labels on x, the query labels on y, and the title shown?"""
        weights = torch.softmax(checks.randn(2, 3, seed=2), dim=-1)
        figure = student.plot_attention_heatmap(weights, x_labels=["a", "b", "c"], y_labels=["p", "q"], title="t")
        _check_is_figure(figure)
        main = next((axes for axes in figure["axes"] if axes["images"]), None)
        if main is None:
            raise checks.CheckFailure("the figure has no axes showing an image")
        checks.close(main["xticklabels"], ["a", "b", "c"], what="x tick labels")
        checks.close(main["yticklabels"], ["p", "q"], what="y tick labels")
        if "t" not in (main["title"], figure["suptitle"]):
            raise checks.CheckFailure(f"the title should be 't'; the axes title is {main['title']!r}")


def _reference_losses(reference, x_train, y_train) -> list[float]:
    torch.manual_seed(0)
    _, losses = reference.train_retrieval_model(x_train, y_train, VOCAB)
    return losses


def _check_is_figure(value):
    if not (isinstance(value, dict) and value.get("kind") == "matplotlib.figure"):
        raise checks.CheckFailure(f"plot_attention_heatmap should return a matplotlib Figure, got "
                                  f"{getattr(value, 'type_name', type(value).__name__)}")


@pytest.mark.covers("RetrievalModel")
class TestRetrievalModel:
    @pytest.mark.grade(2, "numerics")
    def test_forward_matches_reference(self, student, reference):
        """With the reference's weights, are the logits the reference's?"""
        torch.manual_seed(0)
        ours, theirs = reference.RetrievalModel(VOCAB), student.RetrievalModel(VOCAB)
        checks.copy_weights(theirs, ours)
        tokens, _ = sequences.key_value_retrieval(8, num_pairs=4, vocab_size=VOCAB, seed=5)
        checks.same(theirs, ours, tokens)


@pytest.mark.covers("train_retrieval_model")
class TestTrainRetrievalModel:
    @pytest.mark.grade(8, "convergence")
    def test_reaches_held_out_accuracy(self, student, reference, record):
        """Trained on 2,000 examples, does it answer at least 90% of 500 unseen queries correctly?"""
        x_train, y_train = sequences.key_value_retrieval(2000, num_pairs=4, vocab_size=VOCAB, seed=11)
        x_test, y_test = sequences.key_value_retrieval(500, num_pairs=4, vocab_size=VOCAB, seed=12)
        record["reference_loss_curve"] = checks.cached_reference_run(
            "retrieval_losses", lambda: _reference_losses(reference, x_train, y_train))
        model, _ = checks.train(student.train_retrieval_model, x_train, y_train, VOCAB, budget_s=TRAIN_BUDGET_S,
                                record=record)
        logits = model.call((x_test,), no_grad=True)
        checks.at_least(checks.accuracy(logits, y_test), ACCURACY_THRESHOLD, what="held-out accuracy", record=record)

    @pytest.mark.grade(1, "determinism")
    def test_same_seed_same_losses(self, student):
        """With the same seed, does a short training run give the same losses twice?"""
        x_train, y_train = sequences.key_value_retrieval(256, num_pairs=4, vocab_size=VOCAB, seed=13)
        _, first = checks.train(student.train_retrieval_model, x_train, y_train, VOCAB, num_steps=20, seed=3,
                                budget_s=TRAIN_BUDGET_S)
        _, second = checks.train(student.train_retrieval_model, x_train, y_train, VOCAB, num_steps=20, seed=3,
                                 budget_s=TRAIN_BUDGET_S)
        checks.close(checks.loss_curve(second), checks.loss_curve(first), what="losses of the second run",
                     rtol=0.0, atol=0.0)
