"""The wire format between the grader and student code: JSON plus raw buffers, never pickle.

A message is a frame::

    b"AGW1" | header length (uint32) | buffer count (uint32) | buffer lengths (uint64 each)
           | header (UTF-8 JSON) | buffers

Values inside the header are JSON with tagged objects for what JSON lacks:

========================  ===========================================================
Python value              encoding
========================  ===========================================================
None, bool, int, str      themselves
float                     itself, or ``{"$float": "nan" | "inf" | "-inf"}``
list                      a JSON list
tuple, torch.Size         ``{"$tuple": [...]}``
dict                      ``{"$dict": [[key, value], ...]}`` (keys: str, int, float, bool, None)
torch.Tensor              ``{"$tensor": {"dtype", "shape", "device", "buffer"}}``; meta tensors
                          carry no buffer
numpy.ndarray             ``{"$ndarray": {"dtype", "shape", "buffer"}}`` (numeric dtypes only)
bytes                     ``{"$bytes": buffer}``
torch.dtype / device      ``{"$dtype": "float32"}`` / ``{"$device": "cpu"}``
student object            ``{"$handle": id}``: an opaque reference to an object in the child
named probe               ``{"$probe": name}``: a function from ``sandbox.probes`` (grader to child)
========================  ===========================================================

Decoding what the child sends is the grader's attack surface, so it checks everything: sizes
against limits before allocating, dtype names against a fixed table, buffer lengths against
shapes, nesting depth. Anything else raises :class:`WireError` with a message for the student.
"""

from __future__ import annotations

import functools
import json
import math
import socket
import struct
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch

MAGIC = b"AGW1"
_PREFIX = struct.Struct("!4sII")
_LENGTH = struct.Struct("!Q")

MAX_HEADER_BYTES = 64 * 2**20
MAX_BUFFERS = 100_000
MAX_DEPTH = 64

TORCH_DTYPES = {
    name: getattr(torch, name)
    for name in (
        "float64", "float32", "float16", "bfloat16", "complex64", "complex128", "int64", "int32",
        "int16", "int8", "uint8", "bool",
    )
}
_DTYPE_NAMES = {dtype: name for name, dtype in TORCH_DTYPES.items()}
NUMPY_DTYPES = ("float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool",
                "complex64", "complex128")


class WireError(Exception):
    """A message that breaks the protocol or a limit; the text is meant for the student."""


@dataclass(frozen=True)
class Handle:
    """An opaque reference to an object that lives in the student's process.

    ``type_name`` travels from the child to the grader, for messages only.
    """

    id: int
    type_name: str = ""


@dataclass(frozen=True)
class Probe:
    """A named, harmless function from :mod:`autograder.sandbox.probes`, sent by name."""

    name: str


class Encoder:
    """Turns a value into ``(header_json_value, buffers)``.

    ``on_unknown`` decides what happens to values the format cannot carry: the child registers
    them as handles; the grader raises, since it only ever sends data.
    """

    def __init__(self, on_unknown: Callable[[Any], Any] | None = None):
        self.buffers: list[bytes] = []
        self.on_unknown = on_unknown

    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError(f"the value is nested more than {MAX_DEPTH} levels deep")
        kind = type(value)
        if value is None or kind is bool or kind is int or kind is str:
            return value
        if kind is float:
            return value if math.isfinite(value) else {"$float": repr(value)}
        if kind is list:
            return [self.encode(v, depth + 1) for v in value]
        if kind is tuple or kind is torch.Size:
            return {"$tuple": [self.encode(v, depth + 1) for v in value]}
        if kind is dict:
            return {"$dict": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()]}
        if isinstance(value, torch.Tensor):
            return {"$tensor": self._tensor(value)}
        if isinstance(value, np.ndarray) and value.dtype.name in NUMPY_DTYPES:
            return {"$ndarray": self._ndarray(value)}
        if isinstance(value, np.generic) and value.dtype.name in NUMPY_DTYPES:
            return self.encode(value.item(), depth)
        if kind is bytes:
            return {"$bytes": self._add(value)}
        if isinstance(value, torch.dtype) and value in _DTYPE_NAMES:
            return {"$dtype": _DTYPE_NAMES[value]}
        if kind is torch.device:
            return {"$device": str(value)}
        if kind is Handle:
            return {"$handle": [value.id, value.type_name]}
        if kind is Probe:
            return {"$probe": value.name}
        if self.on_unknown is not None:
            return self.encode(self.on_unknown(value), depth)
        raise WireError(f"cannot send a value of type {kind.__name__}")

    def _add(self, data: bytes) -> int:
        self.buffers.append(data)
        return len(self.buffers) - 1

    def _tensor(self, tensor: torch.Tensor) -> dict:
        # Subclasses may override any method; read the data through the base class only.
        with torch._C.DisableTorchFunction():
            tensor = torch.Tensor.as_subclass(tensor, torch.Tensor).detach()
            if tensor.is_sparse or tensor.layout != torch.strided:
                tensor = tensor.to_dense()
            dtype = _DTYPE_NAMES.get(tensor.dtype)
            if dtype is None:
                raise WireError(f"tensors of dtype {tensor.dtype} cannot be returned to the grader")
            spec = {"dtype": dtype, "shape": list(tensor.shape), "device": tensor.device.type,
                    "requires_grad": bool(tensor.requires_grad)}
            if tensor.device.type != "meta":
                flat = tensor.cpu().contiguous().reshape(-1)
                spec["buffer"] = self._add(flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b"")
            return spec

    def _ndarray(self, array: np.ndarray) -> dict:
        array = np.ascontiguousarray(array)
        return {"dtype": array.dtype.name, "shape": list(array.shape), "buffer": self._add(array.tobytes())}


class Decoder:
    """Turns ``(header_json_value, buffers)`` back into Python values, checking everything."""

    def __init__(self, buffers: list[bytes], resolve: Callable[[str, Any], Any] | None = None):
        self.buffers = buffers
        self.resolve = resolve  # handles and probes, resolved by the side that owns them

    def decode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError(f"the value is nested more than {MAX_DEPTH} levels deep")
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            return value
        if isinstance(value, list):
            return [self.decode(v, depth + 1) for v in value]
        if not isinstance(value, dict) or len(value) != 1:
            raise WireError("malformed message")
        (tag, body), = value.items()
        if tag == "$float":
            if body not in ("nan", "inf", "-inf"):
                raise WireError("malformed float")
            return float(body)
        if tag == "$tuple":
            return tuple(self.decode(v, depth + 1) for v in self._list(body))
        if tag == "$dict":
            out = {}
            for pair in self._list(body):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise WireError("malformed dict entry")
                key = self.decode(pair[0], depth + 1)
                if not isinstance(key, (str, int, float, bool, type(None), tuple)):
                    raise WireError("dict keys must be strings or numbers")
                try:
                    hash(key)
                except TypeError:
                    raise WireError("dict keys must be strings, numbers or tuples of them") from None
                out[key] = self.decode(pair[1], depth + 1)
            return out
        if tag == "$tensor":
            return self._tensor(body)
        if tag == "$ndarray":
            return self._ndarray(body)
        if tag == "$bytes":
            return self._buffer(body)
        if tag == "$dtype":
            if body not in TORCH_DTYPES:
                raise WireError(f"unknown dtype {body!r}")
            return TORCH_DTYPES[body]
        if tag == "$device":
            return torch.device(self._device(body))
        if tag in ("$handle", "$probe"):
            if self.resolve is None:
                raise WireError(f"unexpected {tag}")
            try:
                return self.resolve(tag, body)
            except WireError:
                raise
            except Exception as exc:  # the owner's lookup failed: its message is the explanation
                raise WireError(str(exc)[:500]) from None
        raise WireError(f"unknown tag {tag!r}")

    @staticmethod
    def _list(body: Any) -> list:
        if not isinstance(body, list):
            raise WireError("malformed message")
        return body

    def _buffer(self, index: Any) -> bytes:
        if not isinstance(index, int) or not 0 <= index < len(self.buffers):
            raise WireError("malformed buffer reference")
        return self.buffers[index]

    @staticmethod
    def _device(body: Any) -> str:
        """A device name as ``torch.device`` accepts it: ``cpu``, ``meta``, ``cuda``/``mps`` with an index."""
        if not isinstance(body, str) or len(body) > 16:
            raise WireError("malformed device")
        kind, _, index = body.partition(":")
        if kind not in ("cpu", "cuda", "meta", "mps") or (index and not (index.isdigit() and index.isascii())):
            raise WireError(f"unknown device {body!r}")
        return body

    @staticmethod
    def _shape(shape: Any) -> tuple[int, ...]:
        if not isinstance(shape, list) or len(shape) > 32 or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**40 for d in shape
        ):
            raise WireError(f"malformed shape {shape!r}")
        return tuple(shape)

    def _tensor(self, spec: Any) -> torch.Tensor:
        if not isinstance(spec, dict) or spec.get("dtype") not in TORCH_DTYPES:
            raise WireError("malformed tensor")
        dtype = TORCH_DTYPES[spec["dtype"]]
        shape = self._shape(spec.get("shape"))
        device = self._device(spec.get("device", "cpu"))
        if device == "meta":
            if math.prod(shape) >= 2**62:
                raise WireError(f"tensor shape {list(shape)} is too large")
            return torch.empty(shape, dtype=dtype, device="meta")
        data = self._buffer(spec.get("buffer"))
        itemsize = torch.empty((), dtype=dtype).element_size()
        if len(data) != math.prod(shape) * itemsize:
            raise WireError(f"tensor data is {len(data)} bytes, but shape {list(shape)} of {spec['dtype']} needs "
                            f"{math.prod(shape) * itemsize}")
        if not data:
            tensor = torch.empty(shape, dtype=dtype)
        elif dtype == torch.bool:  # only 0 and 1 are booleans; other bytes would confuse comparisons
            tensor = torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(shape) != 0
        else:
            tensor = torch.frombuffer(bytearray(data), dtype=torch.uint8).view(dtype).reshape(shape)
        tensor.wire_device = device  # type: ignore[attr-defined]  # where the student's tensor lived
        return tensor

    def _ndarray(self, spec: Any) -> np.ndarray:
        if not isinstance(spec, dict) or spec.get("dtype") not in NUMPY_DTYPES:
            raise WireError("malformed array")
        shape = self._shape(spec.get("shape"))
        data = self._buffer(spec.get("buffer"))
        dtype = np.dtype(spec["dtype"])
        if len(data) != math.prod(shape) * dtype.itemsize:
            raise WireError("array data does not match its shape")
        if dtype == np.bool_:
            return np.frombuffer(data, dtype=np.uint8).reshape(shape) != 0
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


def pack(message: Any, on_unknown: Callable[[Any], Any] | None = None) -> list[bytes]:
    """Encode ``message`` into the pieces of one frame (send them in order)."""
    encoder = Encoder(on_unknown)
    header = json.dumps(encoder.encode(message), separators=(",", ":"), allow_nan=False).encode()
    lengths = b"".join(_LENGTH.pack(len(b)) for b in encoder.buffers)
    return [_PREFIX.pack(MAGIC, len(header), len(encoder.buffers)), lengths, header, *encoder.buffers]


def send(sock: socket.socket, message: Any, on_unknown: Callable[[Any], Any] | None = None) -> None:
    """Send one frame over a connected stream socket."""
    for piece in pack(message, on_unknown):
        if piece:
            sock.sendall(piece)


def receive(sock: socket.socket, max_bytes: int, resolve: Callable[[str, Any], Any] | None = None,
            deadline: float | None = None) -> Any:
    """Read one frame and decode it, refusing frames larger than ``max_bytes`` before reading them.

    Raises:
        EOFError: the other side closed the connection before a whole frame arrived.
        TimeoutError: ``deadline`` (a ``time.monotonic()`` value) passed first.
        WireError: the frame is malformed or too large.
    """
    read = functools.partial(_read_exact, sock, deadline=deadline)
    magic, header_len, count = _PREFIX.unpack(read(_PREFIX.size))
    if magic != MAGIC:
        raise WireError("the reply did not come from the grader's protocol (something else wrote to the socket)")
    if header_len > MAX_HEADER_BYTES or count > MAX_BUFFERS:
        raise WireError(f"the reply is too large (header {header_len} bytes, {count} buffers)")
    lengths = [_LENGTH.unpack_from(read(_LENGTH.size))[0] for _ in range(count)]
    total = header_len + sum(lengths)
    if total > max_bytes:
        raise WireError(f"the reply is {total / 2**20:.1f} MiB, more than the {max_bytes / 2**20:.0f} MiB allowed; "
                        "return smaller tensors")
    try:
        header = json.loads(read(header_len))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, an integer of 5,000 digits
        raise WireError(f"malformed message header: {str(exc)[:200]}") from None
    buffers = [read(n) for n in lengths]
    return decode(header, buffers, resolve)


def decode(header: Any, buffers: list[bytes], resolve: Callable[[str, Any], Any] | None = None) -> Any:
    """Decode a parsed header with its buffers; whatever is wrong raises :class:`WireError` only."""
    try:
        return Decoder(buffers, resolve).decode(header)
    except WireError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RuntimeError, LookupError,
            RecursionError) as exc:
        raise WireError(f"malformed message: {type(exc).__name__}: {str(exc)[:200]}") from None


def _read_exact(sock: socket.socket, size: int, deadline: float | None = None) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("deadline passed")
            sock.settimeout(remaining)
        try:
            piece = sock.recv(min(size - len(chunks), 1 << 20))
        except socket.timeout:
            raise TimeoutError("deadline passed") from None
        if not piece:
            raise EOFError("connection closed")
        chunks += piece
    return bytes(chunks)
