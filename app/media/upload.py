"""Receiving an upload: the multipart body streamed to a scratch file, never whole in memory.

The request body is parsed as it arrives (python-multipart's push parser). The file part's
first bytes decide its type (``processing.sniff``; the file name and the part's
``Content-Type`` are ignored), the type decides the size limit, and the limit is enforced on
every chunk: an upload over it is refused with 413 as soon as it crosses the line, without
reading the rest. The bytes are hashed while they stream, for content-addressed storage and
for ``Idempotency-Key``.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from app.core.errors import InvalidParameter, PayloadTooLarge, UnsupportedMediaType
from app.media.processing import SNIFF_BYTES, Sniffed, sniff

#: The form's text fields and the most characters each may have.
TEXT_FIELDS = {"caption": 2000, "credit": 300, "alt_text": 1000, "language": 35}
FILE_FIELD = "file"
#: Room for the form's other parts and boundaries beyond the file's own limit.
_ENVELOPE_BYTES = 64 * 1024


@dataclass
class ReceivedUpload:
    """The streamed file in a scratch directory of its own, and the form's text fields."""

    directory: Path
    path: Path
    sniffed: Sniffed
    sha256: str
    size: int
    #: The client's file name, reduced to a safe base name; kept for the newsroom's library
    #: only, never used to name anything stored.
    filename: str | None
    fields: dict[str, str] = field(default_factory=dict)


def safe_filename(raw: str | None) -> str | None:
    """The last path segment of a client's file name, without control characters."""
    if not raw:
        return None
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:255] or None


class _FormReader:
    """Callbacks for the push parser: text fields into memory (bounded), the file part to
    disk with its type, limit and hash checked as it goes."""

    def __init__(self, limits: dict[str, int], directory: Path) -> None:
        self.limits = limits
        self.directory = directory
        self.fields: dict[str, str] = {}
        self.finished = False
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, bytes] = {}
        self._name: str | None = None
        self._text = bytearray()
        self._in_file = False
        self._head = bytearray()
        self._file: IO[bytes] | None = None
        self._hash = hashlib.sha256()
        self.size = 0
        self.limit = 0
        self.sniffed: Sniffed | None = None
        self.filename: str | None = None
        self.path = directory / "upload"

    # Part headers

    def on_part_begin(self) -> None:
        self._headers = {}
        self._name = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_field.decode("latin-1").lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        disposition, options = parse_options_header(self._headers.get("content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if disposition != b"form-data" or not name:
            raise InvalidParameter(["body"], "Every part needs «Content-Disposition: form-data».")
        if name == FILE_FIELD:
            if self.sniffed is not None or self._in_file or self._head:
                raise InvalidParameter(["body", FILE_FIELD], "Send one file per upload.")
            self._in_file = True
            raw_name = options.get(b"filename")
            self.filename = safe_filename(raw_name.decode("utf-8", "replace") if raw_name else None)
        elif name in TEXT_FIELDS:
            if name in self.fields:
                raise InvalidParameter(["body", name], f"{name} was sent twice.")
        else:
            allowed = ", ".join([FILE_FIELD, *TEXT_FIELDS])
            raise InvalidParameter(["body", name], f"Unknown field {name!r}; send {allowed}.")
        self._name = name
        self._text.clear()

    # Part bodies

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._in_file:
            self._file_data(chunk)
            return
        assert self._name is not None
        self._text += chunk
        if len(self._text) > TEXT_FIELDS[self._name] * 4:  # UTF-8: at most 4 bytes a character
            raise InvalidParameter(["body", self._name], f"{self._name} is too long.")

    def on_part_end(self) -> None:
        if self._in_file:
            if self.sniffed is None:
                self._write(self._judge())  # a file shorter than the sniffing window
            self._in_file = False
            return
        assert self._name is not None
        try:
            text = self._text.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidParameter(["body", self._name], "Text fields must be UTF-8.") from None
        self.fields[self._name] = text

    def on_end(self) -> None:
        self.finished = True

    def _file_data(self, chunk: bytes) -> None:
        if self.sniffed is None:
            self._head += chunk
            if len(self._head) >= SNIFF_BYTES:
                self._write(self._judge())
            return
        self._write(chunk)

    def _judge(self) -> bytes:
        """Decide the type from the first bytes, then start the file with them."""
        head = bytes(self._head)
        self._head.clear()
        if not head:
            raise InvalidParameter(["body", FILE_FIELD], "The file is empty.")
        sniffed = sniff(head[:SNIFF_BYTES])
        if sniffed is None:
            raise UnsupportedMediaType(
                "The file is not a type we accept, judged from its bytes: JPEG, PNG, WebP, GIF "
                "or AVIF images, MP4 or WebM video, MP3 or M4A audio, PDF documents."
            )
        self.sniffed = sniffed
        self.limit = self.limits[sniffed.kind]
        self._file = self.path.open("wb")
        return head

    def _write(self, chunk: bytes) -> None:
        if not chunk:
            return
        assert self._file is not None
        assert self.sniffed is not None
        self.size += len(chunk)
        if self.size > self.limit:
            raise PayloadTooLarge(
                f"{self.sniffed.kind.capitalize()} uploads may be at most "
                f"{self.limit // (1024 * 1024)} MB."
            )
        self._hash.update(chunk)
        self._file.write(chunk)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def result(self) -> ReceivedUpload:
        if not self.finished:
            raise InvalidParameter(["body"], "The multipart body ended before its last boundary.")
        if self.sniffed is None:
            raise InvalidParameter(["body", FILE_FIELD], "Send the file in a part named «file».")
        return ReceivedUpload(
            directory=self.directory,
            path=self.path,
            sniffed=self.sniffed,
            sha256=self._hash.hexdigest(),
            size=self.size,
            filename=self.filename,
            fields=dict(self.fields),
        )


def _boundary(request: Request) -> bytes:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary or len(boundary) > 70:
        # RFC 2046: a boundary is 1 to 70 characters.
        raise UnsupportedMediaType(
            "Upload with «Content-Type: multipart/form-data» (a boundary of at most 70 "
            "characters), the file in a part named «file»."
        )
    return boundary


@asynccontextmanager
async def receive_upload(
    request: Request, limits: dict[str, int], scratch: Path
) -> AsyncIterator[ReceivedUpload]:
    """Stream the request's form into a scratch directory under ``scratch``, removed again
    when the block ends (whatever the block did with the files)."""
    boundary = _boundary(request)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max(limits.values()) + _ENVELOPE_BYTES:
        largest = max(limits.values()) // (1024 * 1024)
        raise PayloadTooLarge(f"Uploads may be at most {largest} MB.")
    scratch.mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix="upload-", dir=scratch))
    try:
        reader = _FormReader(limits, directory)
        parser = MultipartParser(  # the boundary's length is checked: this cannot refuse it
            boundary,
            {
                "on_part_begin": reader.on_part_begin,
                "on_part_data": reader.on_part_data,
                "on_part_end": reader.on_part_end,
                "on_header_field": reader.on_header_field,
                "on_header_value": reader.on_header_value,
                "on_header_end": reader.on_header_end,
                "on_headers_finished": reader.on_headers_finished,
                "on_end": reader.on_end,
            },
        )
        most = max(limits.values()) + _ENVELOPE_BYTES
        received = 0
        try:
            async for chunk in request.stream():
                received += len(chunk)
                if received > most:
                    raise PayloadTooLarge(f"Uploads may be at most {most // (1024 * 1024)} MB.")
                parser.write(chunk)
                if reader.finished:
                    break  # anything after the closing boundary is not read
            parser.finalize()
        except MultipartParseError:
            raise InvalidParameter(["body"], "The multipart body is malformed.") from None
        except ClientDisconnect:
            raise InvalidParameter(["body"], "The upload ended before it was complete.") from None
        finally:
            reader.close()
        yield reader.result()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
