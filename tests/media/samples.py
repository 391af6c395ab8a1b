"""Media files made in code for the upload tests: photos with EXIF and GPS as phones write
them, and minimal but valid MP3 and PDF files. Every photo is unique (random noise), so
content-addressed storage never mixes one test's files with another's."""

from __future__ import annotations

import io
import os
import random

from PIL import Image

#: EXIF tags: Orientation, and the GPS IFD pointer.
ORIENTATION = 0x0112
GPS_IFD = 0x8825


def photo(
    width: int = 1600,
    height: int = 1200,
    *,
    orientation: int | None = 6,
    gps: bool = True,
    color: tuple[int, int, int] = (200, 30, 30),
    fmt: str = "JPEG",
) -> bytes:
    """A phone photo: mostly ``color`` with noise, EXIF orientation and a GPS position."""
    image = Image.new("RGB", (width, height), color)
    rng = random.Random(os.urandom(8))
    noise = Image.frombytes("L", (64, 48), bytes(rng.randrange(256) for _ in range(64 * 48)))
    image.paste(noise.resize((width // 4, height // 4)).convert("RGB"), (0, 0))
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (24.0, 28.0, 0.0), 3: "E", 4: (54.0, 22.0, 0.0)})
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes() if fmt == "JPEG" else None)
    return out.getvalue()


def png(width: int = 200, height: int = 120) -> bytes:
    image = Image.new("RGBA", (width, height), (20, 120, 220, 128))
    for x, value in enumerate(os.urandom(16)):  # unique bytes, as every sample here
        image.putpixel((x, 0), (value, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def mp3(frames: int = 77) -> bytes:
    """MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames of 26.1 ms (77 ≈ 2 s)."""
    header = bytes([0xFF, 0xFB, 0x90, 0x00])
    return (header + bytes(413)) * frames


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
