"""Zip files whose bytes depend only on their contents: the same files always give the same zip.

Every entry gets the same timestamp (1980-01-01, the earliest a zip can hold), the same
permissions (``0o644``, or ``0o755`` for executables), no extra fields, and entries come in
sorted order; so regenerating a bundle that did not change gives identical bytes, and a checksum
of a bundle means something.
"""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def deterministic_zip(files: dict[str, bytes], executable: frozenset[str] = frozenset()) -> bytes:
    """The zip of ``files`` (``/``-separated name -> bytes); names in ``executable`` get mode 0o755."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = (0o100755 if name in executable else 0o100644) << 16
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()
