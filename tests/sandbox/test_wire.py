import socket

import numpy as np
import pytest
import torch

from autograder.sandbox import wire


def roundtrip(value, resolve=None):
    a, b = socket.socketpair()
    with a, b:
        wire.send(a, value)
        return wire.receive(b, 2**30, resolve)


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 2.5, "注意力", [1, [2, "x"]], (1, (2.0,)), {"a": 1, 2: (3,)},
    b"\x00\x01", torch.float16, torch.device("cpu"),
])
def test_plain_values_roundtrip(value):
    """Do plain values, tuples vs lists and non-string dict keys survive unchanged?"""
    got = roundtrip(value)
    assert got == value and type(got) is type(value)


def test_non_finite_floats_roundtrip():
    """Are NaN and infinities carried (JSON alone cannot)?"""
    got = roundtrip([float("nan"), float("inf"), float("-inf")])
    assert np.isnan(got[0]) and got[1] == float("inf") and got[2] == float("-inf")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64,
                                   torch.uint8, torch.bool, torch.complex64])
def test_tensors_roundtrip_bit_exact(dtype):
    """Does every supported dtype arrive bit-exact with its shape, including non-contiguous views?"""
    tensor = (torch.randn(3, 4) * 10).to(dtype).t()
    got = roundtrip(tensor)
    assert got.dtype == dtype and got.shape == tensor.shape and torch.equal(got, tensor)


def test_empty_and_meta_tensors():
    """Do empty tensors and meta tensors (shape only) roundtrip?"""
    empty, meta = roundtrip((torch.zeros(0, 3), torch.empty(2, 5, device="meta")))
    assert empty.shape == (0, 3) and meta.device.type == "meta" and meta.shape == (2, 5)


def test_numpy_arrays_roundtrip():
    """Are numeric numpy arrays carried as arrays?"""
    array = np.arange(6, dtype=np.int32).reshape(2, 3)
    got = roundtrip(array)
    assert isinstance(got, np.ndarray) and got.dtype == np.int32 and (got == array).all()


def test_unknown_objects_cannot_be_sent_without_a_hook():
    """Is an arbitrary object refused rather than pickled?"""
    with pytest.raises(wire.WireError, match="cannot send"):
        wire.pack(object())


def test_oversized_reply_is_refused_before_it_is_read():
    """Is a frame larger than the limit refused from its header alone?"""
    a, b = socket.socketpair()
    with a, b:
        wire.send(a, torch.zeros(1000))
        with pytest.raises(wire.WireError, match="more than"):
            wire.receive(b, 100)


def test_lying_shape_is_refused():
    """Does a tensor whose buffer does not match its shape fail to decode?"""
    decoder = wire.Decoder([b"\x00" * 8])
    with pytest.raises(wire.WireError, match="needs"):
        decoder.decode({"$tensor": {"dtype": "float32", "shape": [100], "buffer": 0}})


@pytest.mark.parametrize("bad", [
    {"$tensor": {"dtype": "object", "shape": [1], "buffer": 0}},
    {"$tensor": {"dtype": "float32", "shape": [-1], "buffer": 0}},
    {"$pickle": "..."},
    {"$dict": [[{"$tuple": []}, 1, 2]]},
    {"$float": "1e999999"},
    {"$handle": [1, "x"]},
])
def test_malformed_messages_are_refused(bad):
    """Are unknown dtypes, negative shapes, unknown tags and unexpected handles refused?"""
    with pytest.raises(wire.WireError):
        wire.Decoder([b""]).decode(bad)


def test_tensor_subclass_is_sent_as_its_plain_data():
    """Does a tensor subclass overriding __torch_function__ arrive as a plain tensor of its real data?"""

    class Liar(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return torch.ones(3)

    liar = torch.arange(3.0).as_subclass(Liar)
    got = roundtrip(liar)
    assert type(got) is torch.Tensor and torch.equal(got, torch.arange(3.0))
