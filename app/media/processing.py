"""What an uploaded file is, whether Khabar accepts it, and the files stored for it.

``sniff`` judges the type from the leading bytes alone: never the file name, never the
client's ``Content-Type``. Only the types in ``ALLOWED_MIME_TYPES`` pass; markup (SVG, HTML),
archives, executables and text never do, because every accepted type has a binary signature
at offset 0.

``process_file`` then decides, from the whole file, whether it is what it claims and sound:

* images are decoded by Pillow under a pixel budget, re-encoded into the same format without
  EXIF, GPS, XMP or comments (a reader must never learn where a photographer stood), turned
  upright by their EXIF orientation, and scaled into WebP + JPEG renditions for each width
  the page layouts use, with a blurhash and a dominant colour for placeholders;
* audio and video have their duration read and are stored as uploaded;
* PDFs are checked for a header and an end-of-file marker and stored as uploaded.

Decoding untrusted images is slow, memory hungry and occasionally crashes a decoder, so this
work runs in a process pool, away from the event loop: it takes and returns only paths and
plain frozen values, and a refusal is a ``MediaRefused`` exception that survives pickling.
Nothing is written to ``out_dir`` before the upload has been judged sound.
"""

from __future__ import annotations

import os
import shutil
import struct
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

import blurhash
import filetype
import mutagen
import mutagen.mp3
import mutagen.mp4
from PIL import Image, ImageOps, ImageSequence, features

SNIFF_BYTES = 8192
"""How many leading bytes ``sniff`` needs (``filetype`` reads up to this many)."""


@dataclass(frozen=True, slots=True)
class Sniffed:
    kind: str
    """``image``, ``video``, ``audio`` or ``document``."""
    mime_type: str
    extension: str
    """The extension the stored original gets, without the dot."""


_SNIFFED: dict[str, Sniffed] = {
    sniffed.mime_type: sniffed
    for sniffed in (
        Sniffed("image", "image/jpeg", "jpg"),
        Sniffed("image", "image/png", "png"),
        Sniffed("image", "image/webp", "webp"),
        Sniffed("image", "image/gif", "gif"),
        Sniffed("image", "image/avif", "avif"),
        Sniffed("video", "video/mp4", "mp4"),
        Sniffed("video", "video/webm", "webm"),
        Sniffed("audio", "audio/mpeg", "mp3"),
        Sniffed("audio", "audio/mp4", "m4a"),
        Sniffed("document", "application/pdf", "pdf"),
    )
}


def _avif_supported() -> bool:
    return features.check("avif") is True


ALLOWED_MIME_TYPES: frozenset[str] = frozenset(
    mime for mime in _SNIFFED if mime != "image/avif" or _avif_supported()
)
"""The types this installation accepts (AVIF only where Pillow can decode it)."""


@dataclass(frozen=True, slots=True)
class RenditionFile:
    name: str
    """``w640_webp``, ``w640_jpeg``…"""
    filename: str
    """The file's name inside ``out_dir``."""
    width: int
    height: int
    mime_type: str


@dataclass(frozen=True, slots=True)
class Processed:
    kind: str
    mime_type: str
    original_filename: str
    """The stored original's name inside ``out_dir``."""
    width: int | None
    height: int | None
    duration_seconds: float | None
    blurhash: str | None
    dominant_color: str | None
    """``#rrggbb``."""
    renditions: tuple[RenditionFile, ...]


@dataclass(frozen=True, slots=True)
class ProcessingOptions:
    widths: tuple[int, ...] = (320, 640, 1024, 1600)
    max_pixels: int = 50_000_000
    """A frame with more pixels than this is refused as a decompression bomb."""
    jpeg_quality: int = 82
    webp_quality: int = 80
    max_frames: int = 2_000
    """An animation with more frames than this is refused."""
    max_animation_pixels: int = 200_000_000
    """An animation whose frames hold more pixels than this, all together, is refused."""


class MediaRefused(Exception):
    """An upload Khabar will not store; ``str()`` is the sentence to show the uploader."""

    status: ClassVar[int] = 422


class UnsupportedMedia(MediaRefused):
    """The bytes are not an accepted type, or claim one type and are another."""

    status = 415


class InvalidMedia(MediaRefused):
    """The bytes are of an accepted type but truncated, corrupt or too large to decode."""

    status = 422


# --- Sniffing ---------------------------------------------------------------------------------

#: ISO-BMFF brands (the ``ftyp`` box) and the type they make a file.
_ISO_BRANDS: dict[bytes, str] = {
    b"avif": "image/avif",
    b"avis": "image/avif",
    b"M4A ": "audio/mp4",
    b"M4B ": "audio/mp4",
    **dict.fromkeys(
        (b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash"),
        "video/mp4",
    ),
}
#: What ``filetype`` recognises that is judged on its signature alone (an APNG is a PNG).
_BY_SIGNATURE: dict[str, str] = {
    "image/jpeg": "image/jpeg",
    "image/png": "image/png",
    "image/apng": "image/png",
    "image/gif": "image/gif",
    "image/webp": "image/webp",
}
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_EBML_DOC_TYPE = 0x4282


def sniff(head: bytes) -> Sniffed | None:
    """The type of an upload judged from its first ``SNIFF_BYTES`` bytes; None when refused."""
    head = bytes(head[:SNIFF_BYTES])
    mime = _iso_bmff_type(head)
    if mime is None:
        if _is_mp3(head):
            mime = "audio/mpeg"
        elif _is_webm(head):
            mime = "video/webm"
        elif head.startswith(b"%PDF-"):
            mime = "application/pdf"
        else:
            guess = filetype.guess(head)
            mime = _BY_SIGNATURE.get(guess.mime) if guess is not None else None
    if mime is None or (mime == "image/avif" and not _avif_supported()):
        return None
    return _SNIFFED[mime]


def _iso_bmff_type(head: bytes) -> str | None:
    """The type an ISO-BMFF ``ftyp`` box declares: its major brand, else a compatible one."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return None
    size = int.from_bytes(head[:4], "big")
    if size < 16 or size > len(head):
        return None
    brands = [head[8:12]] + [head[i : i + 4] for i in range(16, size - 3, 4)]
    return next((_ISO_BRANDS[brand] for brand in brands if brand in _ISO_BRANDS), None)


def _is_mp3(head: bytes) -> bool:
    """An ID3v2 tag, or the header of an MPEG audio layer III frame."""
    if head[:3] == b"ID3":
        return (
            len(head) >= 10
            and head[3] in (2, 3, 4)
            and head[4] != 0xFF
            and all(byte < 0x80 for byte in head[6:10])
        )
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, sample_rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and sample_rate != 3


def _is_webm(head: bytes) -> bool:
    """An EBML header whose DocType is ``webm`` (not any other Matroska file)."""
    if not head.startswith(_EBML_MAGIC):
        return False
    try:
        size, pos = _ebml_number(head, len(_EBML_MAGIC), keep_marker=False)
        end = min(len(head), pos + size)
        while pos < end:
            element, pos = _ebml_number(head, pos, keep_marker=True)
            size, pos = _ebml_number(head, pos, keep_marker=False)
            if element == _EBML_DOC_TYPE:
                return head[pos : pos + size].rstrip(b"\0") == b"webm"
            pos += size
    except IndexError:
        return False
    return False


def _ebml_number(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``pos`` (an element ID keeps its length marker)."""
    first = data[pos]
    length = 9 - first.bit_length() if first else 9
    if length > 8:
        raise IndexError("no EBML length marker")
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[pos + 1 : pos + length]:
        value = value << 8 | byte
    if pos + length > len(data):
        raise IndexError("EBML number runs past the data")
    return value, pos + length


# --- Processing -------------------------------------------------------------------------------

#: What Pillow and mutagen raise on bytes they cannot make sense of.
_PARSING_ERRORS = (
    mutagen.MutagenError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    OverflowError,
    struct.error,
)


def process_file(
    source: Path, out_dir: Path, sniffed: Sniffed, options: ProcessingOptions
) -> Processed:
    """Judge the upload at ``source`` and write its stored files into ``out_dir``.

    Raises ``UnsupportedMedia`` or ``InvalidMedia`` (before writing anything) when refused.
    """
    if _SNIFFED.get(sniffed.mime_type) != sniffed or sniffed.mime_type not in ALLOWED_MIME_TYPES:
        raise UnsupportedMedia("This type of file is not accepted.")
    out_dir.mkdir(parents=True, exist_ok=True)
    if sniffed.kind == "image":
        return _process_image(source, out_dir, sniffed, options)
    duration = _CHECKS[sniffed.mime_type](source)
    original = f"original.{sniffed.extension}"
    try:
        os.link(source, out_dir / original)  # stored as uploaded: no need to copy the bytes
    except OSError:
        shutil.copyfile(source, out_dir / original)
    return Processed(
        kind=sniffed.kind,
        mime_type=sniffed.mime_type,
        original_filename=original,
        width=None,
        height=None,
        duration_seconds=duration,
        blurhash=None,
        dominant_color=None,
        renditions=(),
    )


# --- Audio, video and documents: stored as uploaded -------------------------------------------


def _mutagen_duration(reader: Callable[[Path], Any]) -> Callable[[Path], float | None]:
    def duration(source: Path) -> float | None:
        try:
            length = float(reader(source).info.length)
        except _PARSING_ERRORS as error:
            raise InvalidMedia("The audio or video file is damaged or incomplete.") from error
        # A fragmented MP4 (as browsers record) states no overall length: unknown, not refused.
        return round(length, 3) if length > 0 else None

    return duration


def _check_webm(source: Path) -> None:
    with source.open("rb") as file:
        if not _is_webm(file.read(SNIFF_BYTES)):
            raise InvalidMedia("The WebM video is damaged: its header is not a WebM header.")


def _check_pdf(source: Path) -> None:
    with source.open("rb") as file:
        head = file.read(5)
        file.seek(max(0, source.stat().st_size - 1024))
        tail = file.read()
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise InvalidMedia("The PDF is damaged or incomplete.")


#: How each stored-as-uploaded type is checked, and its duration (if it has one) found.
_CHECKS: dict[str, Callable[[Path], float | None]] = {
    "video/mp4": _mutagen_duration(mutagen.mp4.MP4),
    "audio/mp4": _mutagen_duration(mutagen.mp4.MP4),
    "audio/mpeg": _mutagen_duration(mutagen.mp3.MP3),
    "video/webm": _check_webm,
    "application/pdf": _check_pdf,
}


# --- Images -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Encoding:
    pil_format: str
    extension: str
    mime_type: str
    animated: bool
    """Whether every frame of an animation is kept."""
    params: Callable[[ProcessingOptions], dict[str, Any]]


#: How each image type is written: the original in its own type, renditions as WebP and JPEG.
_ENCODINGS: dict[str, _Encoding] = {
    encoding.mime_type: encoding
    for encoding in (
        _Encoding(
            "JPEG",
            "jpg",
            "image/jpeg",
            animated=False,
            params=lambda o: {"quality": o.jpeg_quality, "optimize": True, "progressive": True},
        ),
        _Encoding("PNG", "png", "image/png", animated=True, params=lambda o: {"optimize": True}),
        _Encoding(
            "WEBP",
            "webp",
            "image/webp",
            animated=True,
            params=lambda o: {"quality": o.webp_quality},
        ),
        _Encoding("AVIF", "avif", "image/avif", animated=True, params=lambda o: {}),
        _Encoding("GIF", "gif", "image/gif", animated=True, params=lambda o: {}),
    )
}
#: The type each Pillow format is (a phone's multi-picture JPEG is still a JPEG).
_PIL_FORMATS: dict[str, str] = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "AVIF": "image/avif",
}
#: The only decoders an upload is opened with (JPEG's also opens multi-picture JPEGs).
_DECODERS = ["JPEG", "PNG", "WEBP", "GIF", "AVIF"]
#: Every metadata field an encoder could copy from the upload, emptied.
_NO_METADATA: dict[str, bytes] = {"exif": b"", "xmp": b"", "comment": b""}
#: Modes whose pixels an RGB ICC profile describes, so renditions may keep the profile.
_RGB_MODES = frozenset({"RGB", "RGBA", "P", "PA"})
_RENDITION_ENCODINGS = (_ENCODINGS["image/webp"], _ENCODINGS["image/jpeg"])
_PLACEHOLDER_SIZE = 64
_WHITE = (255, 255, 255)

#: The largest side a WebP rendition can have.
_WEBP_MAX_SIDE = 16383


def _process_image(
    source: Path, out_dir: Path, sniffed: Sniffed, options: ProcessingOptions
) -> Processed:
    encoding = _ENCODINGS[sniffed.mime_type]
    original = f"original.{encoding.extension}"
    with _quiet_pillow(), source.open("rb") as file:
        image, animated = _decode(file, sniffed, options)
        sizes = _rendition_sizes(image.size, options)
        icc_profile = image.info.get("icc_profile")
        rendition_profile = icc_profile if image.mode in _RGB_MODES else None
        base = _display_frame(image)
        if animated and base is image:
            base = image.copy()  # writing every frame moves the upload off its first one
        _save(image, out_dir / original, encoding, options, icc_profile, save_all=animated)
        if base is not image:
            image.close()
        width, height = base.size
        color, hash_ = _placeholders(base)
        renditions = _write_renditions(base, sizes, out_dir, options, rendition_profile)
    return Processed(
        kind=sniffed.kind,
        mime_type=sniffed.mime_type,
        original_filename=original,
        width=width,
        height=height,
        duration_seconds=None,
        blurhash=hash_,
        dominant_color=color,
        renditions=renditions,
    )


@contextmanager
def _quiet_pillow() -> Iterator[None]:
    """Pillow's notices that concern nothing Khabar keeps.

    Pillow's own decompression-bomb warning (``options.max_pixels`` is the limit that applies),
    its warnings about damaged EXIF or multi-picture data (stripped anyway), and blurhash's use
    of ``Image.getdata``, deprecated by Pillow.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        warnings.simplefilter("ignore", UserWarning)
        warnings.filterwarnings(
            "ignore", r"Image\.Image\.getdata is deprecated", DeprecationWarning
        )
        yield


@contextmanager
def _decoding() -> Iterator[None]:
    try:
        yield
    except Image.DecompressionBombError as error:
        raise InvalidMedia("The image has too many pixels to be processed.") from error
    except _PARSING_ERRORS as error:
        raise InvalidMedia("The image is damaged or incomplete.") from error


def _decode(
    file: IO[bytes], sniffed: Sniffed, options: ProcessingOptions
) -> tuple[Image.Image, bool]:
    """The upload's first frame, decoded, and whether it is an animation to keep.

    A still image is turned upright by its EXIF orientation; an animation is kept as drawn.
    Every frame is decoded here once, so that nothing later fails on a damaged one.
    """
    encoding = _ENCODINGS[sniffed.mime_type]
    with _decoding():
        with Image.open(file, formats=_DECODERS) as probe:
            if _PIL_FORMATS.get(probe.format or "") != sniffed.mime_type:
                raise UnsupportedMedia(
                    f"The file is not the {sniffed.extension.upper()} image it appears to be."
                )
            frames = getattr(probe, "n_frames", 1) if encoding.animated else 1
            _check_pixels(probe.size, frames, options)
            probe.verify()
        file.seek(0)
        image = Image.open(file, formats=_DECODERS)
        if frames > 1:
            for frame in ImageSequence.Iterator(image):
                _check_pixels(frame.size, frames, options)
                frame.load()
            image.seek(0)
        image.load()
        if frames == 1:
            ImageOps.exif_transpose(image, in_place=True)
    return image, frames > 1


def _check_pixels(size: tuple[int, int], frames: int, options: ProcessingOptions) -> None:
    pixels = size[0] * size[1]
    if pixels > options.max_pixels:
        raise InvalidMedia(
            f"The image is too large: {size[0]}×{size[1]} pixels is more than "
            f"{options.max_pixels:,} pixels."
        )
    if frames > options.max_frames or pixels * frames > options.max_animation_pixels:
        raise InvalidMedia(f"The animation is too large: {frames} frames of {size[0]}×{size[1]}.")


def _display_frame(image: Image.Image) -> Image.Image:
    """The current frame in 8-bit RGB, or RGBA when it has transparency."""
    mode = "RGBA" if image.has_transparency_data else "RGB"
    if image.mode == mode:
        return image
    if image.mode.startswith("I"):  # 16-bit greyscale: scaled to 8 bits, not clipped
        with image.point(lambda value: value / 256) as scaled:
            return scaled.convert(mode)
    return image.convert(mode)


def _save(
    image: Image.Image,
    path: Path,
    encoding: _Encoding,
    options: ProcessingOptions,
    icc_profile: bytes | None,
    *,
    save_all: bool = False,
) -> None:
    image.save(
        path,
        format=encoding.pil_format,
        save_all=save_all,
        icc_profile=icc_profile,
        **_NO_METADATA,
        **encoding.params(options),
    )


def _rendition_sizes(size: tuple[int, int], options: ProcessingOptions) -> list[tuple[int, int]]:
    """The renditions' sizes, largest first: each width narrower than the image (never wider),
    or the image's own width when it is narrower than them all; none taller than WebP allows.
    """
    full_width, full_height = size
    widths = sorted({w for w in options.widths if 0 < w < full_width}, reverse=True)
    sizes = [(w, max(1, round(full_height * w / full_width))) for w in widths or [full_width]]
    sizes = [(w, h) for w, h in sizes if max(w, h) <= _WEBP_MAX_SIDE]
    if not sizes:
        raise InvalidMedia("The image is too tall or too wide to be shown.")
    return sizes


def _write_renditions(
    base: Image.Image,
    sizes: list[tuple[int, int]],
    out_dir: Path,
    options: ProcessingOptions,
    icc_profile: bytes | None,
) -> tuple[RenditionFile, ...]:
    """A WebP and a JPEG of ``base`` at each size.

    Each size is scaled from the one before, largest first, so the full frame is read once and
    freed right after. Consumes ``base``.
    """
    renditions: list[RenditionFile] = []
    current = base
    for width, height in sizes:
        if current.size != (width, height):
            scaled = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            current.close()
            current = scaled
        flat = _on_white(current)
        for encoding, image in zip(_RENDITION_ENCODINGS, (current, flat), strict=True):
            filename = f"w{width}.{encoding.extension}"
            _save(image, out_dir / filename, encoding, options, icc_profile)
            renditions.append(
                RenditionFile(
                    name=f"w{width}_{encoding.pil_format.lower()}",
                    filename=filename,
                    width=width,
                    height=height,
                    mime_type=encoding.mime_type,
                )
            )
        if flat is not current:
            flat.close()
    current.close()
    return tuple(renditions)


def _on_white(image: Image.Image) -> Image.Image:
    """The image as RGB, transparency composited onto white."""
    if image.mode != "RGBA":
        return image
    flat = Image.new("RGB", image.size, _WHITE)
    flat.paste(image, mask=image)
    return flat


def _placeholders(image: Image.Image) -> tuple[str, str]:
    """The dominant colour (``#rrggbb``) and the blurhash, from a thumbnail of ``image``."""
    scale = min(1.0, _PLACEHOLDER_SIZE / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    with image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0) as thumbnail:
        small = _on_white(thumbnail)
        # The most common colour of a few, not the average: a red photo with a blue sky is red.
        with small.quantize(8, Image.Quantize.MEDIANCUT) as quantized:
            counts = quantized.histogram()  # pixels per palette entry
            index = max(range(len(counts)), key=counts.__getitem__)
            red, green, blue = (quantized.getpalette() or [0, 0, 0])[index * 3 : index * 3 + 3]
        hash_ = str(blurhash.encode(small, 4, 3))  # closes ``small``
    return f"#{red:02x}{green:02x}{blue:02x}", hash_
