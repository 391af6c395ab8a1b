"""What an upload is judged to be, and the files stored for it.

Every fixture is made here: images with Pillow, and the smallest byte structures that MP3, MP4,
WebM and PDF readers accept, written by hand.
"""

from __future__ import annotations

import binascii
import io
import multiprocessing
import pickle
import struct
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import blurhash
import pytest
from PIL import ExifTags, Image, ImageCms, ImageSequence, features

from app.media.processing import (
    ALLOWED_MIME_TYPES,
    SNIFF_BYTES,
    InvalidMedia,
    MediaRefused,
    Processed,
    ProcessingOptions,
    RenditionFile,
    Sniffed,
    UnsupportedMedia,
    process_file,
    sniff,
)

RED = (220, 20, 30)
BLUE = (20, 40, 200)
OPTIONS = ProcessingOptions()

# --- Fixtures made in code --------------------------------------------------------------------


def encoded(image: Image.Image, pil_format: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, pil_format, **params)
    return buffer.getvalue()


def phone_photo() -> bytes:
    """A 1200×900 JPEG as a phone stores it: sideways, with orientation 6, GPS, XMP, comment.

    Its top 30% is blue and the rest red, so once upright the blue is on the right.
    """
    image = Image.new("RGB", (1200, 900), RED)
    image.paste(BLUE, (0, 0, 1200, 270))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {1: "N", 2: (48.0, 51.0, 30.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    )
    return encoded(
        image,
        "JPEG",
        quality=90,
        exif=exif,
        xmp=b"<x:xmpmeta>where the photographer stood</x:xmpmeta>",
        comment=b"shot by a source",
    )


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", binascii.crc32(kind + data))
    )


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header claims ``width``×``height`` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + png_chunk(b"IEND", b"")
    )


MP3_FRAME = b"\xff\xfb\x90\x44" + bytes(413)  # MPEG-1 layer III, 128 kb/s, 44.1 kHz: 417 bytes
ID3_EMPTY_TAG = b"ID3\x04\x00\x00\x00\x00\x00\x00"


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    return box(b"ftyp", major + struct.pack(">I", 0x200) + b"".join(compatible))


def mp4(major: bytes, *compatible: bytes, timescale: int = 1000, duration: int = 12_345) -> bytes:
    """``ftyp`` and a ``moov`` holding only the movie header, which states the duration."""
    mvhd = box(
        b"mvhd",
        bytes(4)  # version 0, no flags
        + struct.pack(">IIII", 0, 0, timescale, duration)
        + struct.pack(">IH", 0x10000, 0x100)  # rate 1.0, volume 1.0
        + bytes(10 + 36 + 24)  # reserved, matrix, pre-defined
        + struct.pack(">I", 2),  # next track id
    )
    return ftyp(major, *compatible) + box(b"moov", mvhd)


def ebml(element: bytes, payload: bytes) -> bytes:
    return element + bytes([0x80 | len(payload)]) + payload


def matroska(doc_type: bytes) -> bytes:
    """An EBML header for ``doc_type`` and the start of a segment of unknown size."""
    header = b"".join(
        (
            ebml(b"\x42\x86", b"\x01"),  # EBMLVersion
            ebml(b"\x42\xf7", b"\x01"),  # EBMLReadVersion
            ebml(b"\x42\xf2", b"\x04"),  # EBMLMaxIDLength
            ebml(b"\x42\xf3", b"\x08"),  # EBMLMaxSizeLength
            ebml(b"\x42\x82", doc_type),  # DocType
            ebml(b"\x42\x87", b"\x04"),  # DocTypeVersion
            ebml(b"\x42\x85", b"\x02"),  # DocTypeReadVersion
        )
    )
    return ebml(b"\x1a\x45\xdf\xa3", header) + b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def avif_available() -> bool:
    return features.check("avif") is True


def upload(tmp_path: Path, data: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def process(
    tmp_path: Path, data: bytes, options: ProcessingOptions = OPTIONS
) -> tuple[Processed, Path]:
    """Sniff and process ``data`` as the upload flow does; the result and its ``out_dir``."""
    sniffed = sniff(data[:SNIFF_BYTES])
    assert sniffed is not None
    out_dir = tmp_path / "out"
    return process_file(upload(tmp_path, data), out_dir, sniffed, options), out_dir


JPEG = Sniffed("image", "image/jpeg", "jpg")
WEBM = Sniffed("video", "video/webm", "webm")
PDF_DOCUMENT = Sniffed("document", "application/pdf", "pdf")


def pixel(image: Image.Image, x: int, y: int) -> tuple[int, ...]:
    value = image.getpixel((x, y))
    assert isinstance(value, tuple)
    return value


def assert_no_metadata(path: Path) -> None:
    data = path.read_bytes()
    with Image.open(path) as image:
        assert not image.getexif()
        assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp"} & image.info.keys()
    assert b"Exif\0\0" not in data
    assert b"PhoneMaker" not in data
    assert b"photographer" not in data
    assert b"shot by a source" not in data


# --- sniff ------------------------------------------------------------------------------------

SNIFFABLE: dict[str, bytes] = {
    "jpeg": encoded(Image.new("RGB", (8, 8), RED), "JPEG"),
    "png": encoded(Image.new("RGBA", (8, 8), RED), "PNG"),
    "apng": encoded(
        Image.new("RGB", (8, 8), RED),
        "PNG",
        save_all=True,
        append_images=[Image.new("RGB", (8, 8), BLUE)],
    ),
    "webp": encoded(Image.new("RGB", (8, 8), RED), "WEBP"),
    "gif": encoded(Image.new("RGB", (8, 8), RED), "GIF"),
    "mp4 (isom)": mp4(b"isom", b"isom", b"iso2", b"avc1", b"mp41"),
    "mp4 (mp42)": mp4(b"mp42", b"mp42", b"isom"),
    "m4a": mp4(b"M4A ", b"M4A ", b"mp42", b"isom"),
    "m4b audiobook": mp4(b"M4B ", b"M4B ", b"mp42", b"isom"),
    "mp3 with ID3": ID3_EMPTY_TAG + MP3_FRAME * 4,
    "bare mp3 frames": MP3_FRAME * 4,
    "webm": matroska(b"webm"),
    "pdf": PDF,
}
EXPECTED_SNIFF: dict[str, tuple[str, str, str]] = {
    "jpeg": ("image", "image/jpeg", "jpg"),
    "png": ("image", "image/png", "png"),
    "apng": ("image", "image/png", "png"),
    "webp": ("image", "image/webp", "webp"),
    "gif": ("image", "image/gif", "gif"),
    "mp4 (isom)": ("video", "video/mp4", "mp4"),
    "mp4 (mp42)": ("video", "video/mp4", "mp4"),
    "m4a": ("audio", "audio/mp4", "m4a"),
    "m4b audiobook": ("audio", "audio/mp4", "m4a"),
    "mp3 with ID3": ("audio", "audio/mpeg", "mp3"),
    "bare mp3 frames": ("audio", "audio/mpeg", "mp3"),
    "webm": ("video", "video/webm", "webm"),
    "pdf": ("document", "application/pdf", "pdf"),
}


@pytest.mark.parametrize("name", list(SNIFFABLE))
def test_sniff_names_each_allowed_type_from_its_bytes(name: str) -> None:
    assert sniff(SNIFFABLE[name]) == Sniffed(*EXPECTED_SNIFF[name])


def test_sniff_names_avif_when_pillow_decodes_it() -> None:
    assert avif_available(), "the Pillow the project requires (12.0+) decodes AVIF"
    data = encoded(Image.new("RGB", (8, 8), RED), "AVIF")
    assert sniff(data) == Sniffed("image", "image/avif", "avif")
    assert "image/avif" in ALLOWED_MIME_TYPES


def test_sniff_names_avif_only_when_pillow_can_decode_it(monkeypatch: pytest.MonkeyPatch) -> None:
    avif_brands = ftyp(b"avif", b"avif", b"mif1", b"miaf") + bytes(64)
    monkeypatch.setattr(features, "check", lambda feature: True)
    assert sniff(avif_brands) == Sniffed("image", "image/avif", "avif")
    monkeypatch.setattr(features, "check", lambda feature: False)
    assert sniff(avif_brands) is None


@pytest.mark.parametrize(
    "head",
    [
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', id="svg"),
        pytest.param(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', id="xml"),
        pytest.param(b" \n\t<svg onload='alert(1)'/>", id="svg after whitespace"),
        pytest.param(b"<!DOCTYPE html><html><body>hi</body></html>", id="html"),
        pytest.param(b"\r\n  <html><script>alert(1)</script></html>", id="html after whitespace"),
        pytest.param(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(40), id="zip"),
        pytest.param(b"\x7fELF\x02\x01\x01\x00" + bytes(56), id="elf"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56), id="windows executable"),
        pytest.param(b"Breaking: the minister resigned this morning.\n", id="text"),
        pytest.param("\ufeff<svg/>".encode("utf-16"), id="utf-16 svg"),
        pytest.param(b"", id="empty"),
        pytest.param(encoded(Image.new("RGB", (8, 8)), "BMP"), id="bmp"),
        pytest.param(encoded(Image.new("RGB", (8, 8)), "TIFF"), id="tiff"),
        pytest.param(ftyp(b"qt  ", b"qt  ") + bytes(32), id="quicktime"),
        pytest.param(ftyp(b"heic", b"mif1", b"heic") + bytes(32), id="heic"),
        pytest.param(matroska(b"matroska"), id="matroska"),
        pytest.param(b"\xff\xf1\x50\x80\x02\x1f\xfc" + bytes(32), id="adts aac"),
        pytest.param(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(32), id="wav"),
        pytest.param(b"OggS\x00\x02" + bytes(40), id="ogg"),
        pytest.param(b"ID3\x04\x00\x00\x7f\xff\xff\xff", id="broken id3 size"),
        pytest.param(b"  %PDF-1.4\n%%EOF", id="pdf after whitespace"),
    ],
)
def test_sniff_refuses_anything_not_allowed(head: bytes) -> None:
    assert sniff(head) is None


def test_allowed_types_are_exactly_those_sniff_can_name() -> None:
    expected = {mime for _, mime, _ in EXPECTED_SNIFF.values()}
    assert expected - {"image/avif"} <= ALLOWED_MIME_TYPES <= expected | {"image/avif"}
    assert "image/avif" in ALLOWED_MIME_TYPES  # Pillow 12.0+ (the project floor) has AVIF


# --- Images -----------------------------------------------------------------------------------


def test_phone_photo_is_stored_upright_without_exif_gps_or_xmp(tmp_path: Path) -> None:
    data = phone_photo()
    with Image.open(io.BytesIO(data)) as source:  # the fixture does carry what must go
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert source.getexif()[ExifTags.Base.Orientation] == 6

    result, out_dir = process(tmp_path, data)

    assert (result.kind, result.mime_type) == ("image", "image/jpeg")
    assert result.original_filename == "original.jpg"
    assert (result.width, result.height) == (900, 1200)
    assert result.duration_seconds is None
    with Image.open(out_dir / "original.jpg") as original:
        assert original.format == "JPEG"
        assert original.size == (900, 1200)
        rgb = original.convert("RGB")
        assert pixel(rgb, 880, 600) == pytest.approx(BLUE, abs=12)  # the top is now right
        assert pixel(rgb, 100, 600) == pytest.approx(RED, abs=12)
    for path in out_dir.iterdir():
        assert_no_metadata(path)


def test_photo_with_damaged_exif_is_turned_upright_and_stored_without_it(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker" * 20
    damaged = exif.tobytes()[:40]  # the Make tag now points past the end of the block
    result, out_dir = process(
        tmp_path, encoded(Image.new("RGB", (700, 500), RED), "JPEG", exif=damaged)
    )

    assert (result.width, result.height) == (500, 700)  # the orientation was still readable
    assert_no_metadata(out_dir / "original.jpg")


def test_multi_picture_jpeg_is_stored_as_a_plain_jpeg(tmp_path: Path) -> None:
    main, preview = Image.new("RGB", (700, 500), RED), Image.new("RGB", (350, 250), BLUE)
    data = encoded(main, "MPO", save_all=True, append_images=[preview])
    with Image.open(io.BytesIO(data)) as source:
        assert (source.format, getattr(source, "n_frames", 1)) == ("MPO", 2)

    result, out_dir = process(tmp_path, data)

    assert (result.mime_type, result.width, result.height) == ("image/jpeg", 700, 500)
    with Image.open(out_dir / "original.jpg") as original:
        assert (original.format, getattr(original, "n_frames", 1)) == ("JPEG", 1)


def test_renditions_are_never_upscaled_and_match_their_files(tmp_path: Path) -> None:
    result, out_dir = process(tmp_path, phone_photo())

    assert {r.name for r in result.renditions} == {
        "w320_webp",
        "w320_jpeg",
        "w640_webp",
        "w640_jpeg",
    }
    assert {(r.width, r.height) for r in result.renditions} == {(320, 427), (640, 853)}
    for rendition in result.renditions:
        with Image.open(out_dir / rendition.filename) as image:
            assert image.size == (rendition.width, rendition.height)
            assert Image.MIME[image.format or ""] == rendition.mime_type
            assert rendition.filename.startswith(f"w{rendition.width}.")
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        ["original.jpg", *(r.filename for r in result.renditions)]
    )


def test_placeholders_are_a_blurhash_and_the_most_common_colour(tmp_path: Path) -> None:
    result, _ = process(tmp_path, phone_photo())  # 70% red, 30% blue

    assert result.blurhash
    assert blurhash.is_valid_blurhash(result.blurhash)
    assert len(result.blurhash) == 28  # 4×3 components
    assert result.dominant_color is not None
    red, green, blue = bytes.fromhex(result.dominant_color.removeprefix("#"))
    assert (red, green, blue) == pytest.approx(RED, abs=16)  # red, not the red-blue average


def test_png_transparency_stays_in_webp_and_becomes_white_in_jpeg(tmp_path: Path) -> None:
    image = Image.new("RGBA", (800, 600), (*BLUE, 255))
    image.paste((0, 0, 0, 0), (0, 0, 400, 600))  # the left half is see-through
    result, out_dir = process(tmp_path, encoded(image, "PNG"))

    assert result.original_filename == "original.png"
    with Image.open(out_dir / "original.png") as original:
        assert original.mode == "RGBA"
        assert pixel(original, 10, 10)[3] == 0
    with Image.open(out_dir / "w640.webp") as webp:
        assert webp.mode == "RGBA"
        assert pixel(webp, 10, 10)[3] == 0
        assert pixel(webp, 600, 240) == pytest.approx((*BLUE, 255), abs=8)
    with Image.open(out_dir / "w640.jpg") as jpeg:
        assert jpeg.mode == "RGB"
        assert pixel(jpeg, 10, 10) == pytest.approx((255, 255, 255), abs=4)
        assert pixel(jpeg, 600, 240) == pytest.approx(BLUE, abs=12)


@pytest.mark.parametrize(
    ("pil_format", "filename"),
    [("GIF", "original.gif"), ("WEBP", "original.webp"), ("PNG", "original.png")],
)
def test_animations_keep_every_frame_and_renditions_show_the_first(
    tmp_path: Path, pil_format: str, filename: str
) -> None:
    frames = [Image.new("RGB", (400, 300), color) for color in (RED, (20, 200, 40), BLUE)]
    data = encoded(
        frames[0], pil_format, save_all=True, append_images=frames[1:], duration=100, loop=0
    )
    result, out_dir = process(tmp_path, data)

    assert result.original_filename == filename
    assert (result.width, result.height) == (400, 300)
    with Image.open(out_dir / filename) as original:
        assert original.format == pil_format
        assert getattr(original, "n_frames", 1) == 3
        colours = [
            pixel(frame.convert("RGB"), 200, 150) for frame in ImageSequence.Iterator(original)
        ]
    assert colours == [pytest.approx(c, abs=16) for c in (RED, (20, 200, 40), BLUE)]
    assert {r.name for r in result.renditions} == {"w320_webp", "w320_jpeg"}
    with Image.open(out_dir / "w320.jpg") as first:
        assert pixel(first, 160, 120) == pytest.approx(RED, abs=16)


def test_image_narrower_than_every_width_gets_one_pair_at_its_own_width(tmp_path: Path) -> None:
    result, out_dir = process(tmp_path, encoded(Image.new("RGB", (100, 80), RED), "WEBP"))

    assert result.renditions == (
        RenditionFile("w100_webp", "w100.webp", 100, 80, "image/webp"),
        RenditionFile("w100_jpeg", "w100.jpg", 100, 80, "image/jpeg"),
    )
    for rendition in result.renditions:
        with Image.open(out_dir / rendition.filename) as image:
            assert image.size == (100, 80)


def test_renditions_taller_than_webp_allows_are_left_out(tmp_path: Path) -> None:
    tall = encoded(Image.new("L", (220, 18_100), 128), "PNG")
    result, _ = process(tmp_path, tall, ProcessingOptions(widths=(100, 200)))

    # At 200 wide it would be 16455 tall, past WebP's 16383.
    assert {(r.width, r.height) for r in result.renditions} == {(100, 8227)}


def test_image_too_tall_for_any_rendition_is_invalid(tmp_path: Path) -> None:
    sliver = encoded(Image.new("L", (100, 17_000), 128), "PNG")
    with pytest.raises(InvalidMedia, match="too tall or too wide"):
        process(tmp_path, sliver)

    assert not any((tmp_path / "out").iterdir())


def test_an_icc_profile_is_kept_in_the_original_and_renditions(tmp_path: Path) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encoded(Image.new("RGB", (700, 500), RED), "JPEG", icc_profile=profile)
    _, out_dir = process(tmp_path, data)

    for name in ("original.jpg", "w640.jpg", "w640.webp"):
        with Image.open(out_dir / name) as image:
            assert image.info.get("icc_profile") == profile


@pytest.mark.parametrize(
    ("image", "colour"),
    [
        pytest.param(Image.new("CMYK", (700, 500), (0, 255, 255, 0)), (255, 0, 0), id="cmyk"),
        pytest.param(Image.new("L", (700, 500), 128), (128, 128, 128), id="greyscale"),
        pytest.param(Image.new("I;16", (700, 500), 0x8080), (128, 128, 128), id="16-bit grey"),
        pytest.param(Image.new("LA", (700, 500), (128, 255)), (128, 128, 128), id="grey + alpha"),
    ],
)
def test_other_colour_modes_give_8_bit_rgb_renditions(
    tmp_path: Path, image: Image.Image, colour: tuple[int, int, int]
) -> None:
    data = encoded(image, "JPEG" if image.mode in ("CMYK", "L") else "PNG")
    _, out_dir = process(tmp_path, data)

    for name in ("w640.webp", "w640.jpg"):
        with Image.open(out_dir / name) as rendition:
            assert rendition.mode in ("RGB", "RGBA")
            assert pixel(rendition.convert("RGB"), 320, 200) == pytest.approx(colour, abs=8)


def test_palette_transparency_stays_in_webp(tmp_path: Path) -> None:
    image = Image.new("P", (700, 500), 0)
    image.putpalette([*RED, *BLUE])
    image.paste(1, (350, 0, 700, 500))
    _, out_dir = process(tmp_path, encoded(image, "PNG", transparency=1))

    with Image.open(out_dir / "w640.webp") as webp:
        assert pixel(webp, 100, 200) == pytest.approx((*RED, 255), abs=8)
        assert pixel(webp, 500, 200)[3] == 0
    with Image.open(out_dir / "w640.jpg") as jpeg:
        assert pixel(jpeg, 500, 200) == pytest.approx((255, 255, 255), abs=4)


def test_truncated_jpeg_is_invalid_and_nothing_is_written(tmp_path: Path) -> None:
    data = phone_photo()
    with pytest.raises(InvalidMedia) as refused:
        process(tmp_path, data[: len(data) // 2])

    assert refused.value.status == 422
    assert str(refused.value) == "The image is damaged or incomplete."
    assert not any((tmp_path / "out").iterdir())


def test_png_with_a_damaged_chunk_is_invalid(tmp_path: Path) -> None:
    data = bytearray(encoded(Image.new("RGB", (64, 64), RED), "PNG"))
    data[40] ^= 0xFF  # inside IDAT: its checksum no longer matches
    with pytest.raises(InvalidMedia):
        process(tmp_path, bytes(data))


def test_image_that_is_not_what_was_sniffed_is_unsupported(tmp_path: Path) -> None:
    source = upload(tmp_path, encoded(Image.new("RGB", (64, 64), RED), "PNG"))
    with pytest.raises(UnsupportedMedia) as refused:
        process_file(source, tmp_path / "out", JPEG, OPTIONS)

    assert refused.value.status == 415
    assert "JPG" in str(refused.value)


def test_a_type_sniff_never_names_is_unsupported(tmp_path: Path) -> None:
    source = upload(tmp_path, encoded(Image.new("RGB", (64, 64), RED), "BMP"))
    with pytest.raises(UnsupportedMedia):
        process_file(source, tmp_path / "out", Sniffed("image", "image/bmp", "bmp"), OPTIONS)


@pytest.mark.parametrize(
    ("data", "options"),
    [
        pytest.param(png_declaring(20_000, 20_000), OPTIONS, id="beyond pillow's own ceiling"),
        pytest.param(png_declaring(10_000, 10_000), OPTIONS, id="where pillow only warns"),
        pytest.param(png_declaring(8_000, 7_000), OPTIONS, id="over max_pixels"),
        pytest.param(phone_photo(), ProcessingOptions(max_pixels=1_000_000), id="small max_pixels"),
    ],
)
def test_decompression_bomb_is_invalid_before_decoding(
    tmp_path: Path, data: bytes, options: ProcessingOptions
) -> None:
    # The suite turns warnings into errors: a DecompressionBombWarning escaping would fail here.
    with pytest.raises(InvalidMedia) as refused:
        process(tmp_path, data, options)

    assert refused.value.status == 422
    assert "too" in str(refused.value)


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(ProcessingOptions(max_frames=2), id="too many frames"),
        pytest.param(ProcessingOptions(max_animation_pixels=300_000), id="too many pixels"),
    ],
)
def test_animation_beyond_its_budget_is_invalid(tmp_path: Path, options: ProcessingOptions) -> None:
    frames = [Image.new("RGB", (400, 300), color) for color in (RED, BLUE, RED)]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(InvalidMedia, match="animation is too large"):
        process(tmp_path, data, options)


# --- Audio, video and documents ---------------------------------------------------------------


@pytest.mark.parametrize("prefix", [b"", ID3_EMPTY_TAG], ids=["bare frames", "with ID3"])
def test_mp3_duration_is_read_and_the_file_stored_as_uploaded(
    tmp_path: Path, prefix: bytes
) -> None:
    data = prefix + MP3_FRAME * 100
    result, out_dir = process(tmp_path, data)

    assert (result.kind, result.mime_type, result.original_filename) == (
        "audio",
        "audio/mpeg",
        "original.mp3",
    )
    assert result.duration_seconds == pytest.approx(100 * 1152 / 44_100, abs=0.01)
    assert result.duration_seconds is not None
    assert result.duration_seconds == round(result.duration_seconds, 3)
    assert (out_dir / "original.mp3").read_bytes() == data
    assert (result.width, result.blurhash, result.renditions) == (None, None, ())


@pytest.mark.parametrize(
    ("brands", "kind", "filename"),
    [
        ((b"isom", b"isom", b"avc1"), "video", "original.mp4"),
        ((b"M4A ", b"M4A ", b"mp42"), "audio", "original.m4a"),
    ],
)
def test_mp4_duration_comes_from_the_movie_header(
    tmp_path: Path, brands: tuple[bytes, ...], kind: str, filename: str
) -> None:
    data = mp4(*brands, timescale=600, duration=7_407)
    result, out_dir = process(tmp_path, data)

    assert (result.kind, result.original_filename) == (kind, filename)
    assert result.duration_seconds == 12.345
    assert (out_dir / filename).read_bytes() == data


def test_mp4_stating_no_length_is_kept_with_unknown_duration(tmp_path: Path) -> None:
    result, _ = process(tmp_path, mp4(b"isom", b"isom", duration=0))
    assert result.duration_seconds is None


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(ftyp(b"isom", b"isom"), id="no movie box"),
        pytest.param(mp4(b"isom", b"isom")[:-60], id="movie box cut short"),
        pytest.param(mp4(b"isom", b"isom", timescale=0), id="zero timescale"),
        pytest.param(ftyp(b"isom", b"isom") + b"\xff" * 200, id="garbage after ftyp"),
    ],
)
def test_corrupt_mp4_is_invalid(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InvalidMedia) as refused:
        process(tmp_path, data)

    assert refused.value.status == 422
    assert not any((tmp_path / "out").iterdir())


def test_id3_tag_without_audio_is_invalid(tmp_path: Path) -> None:
    with pytest.raises(InvalidMedia):
        process(tmp_path, ID3_EMPTY_TAG + b"\x01" * 5000)


def test_webm_is_stored_as_uploaded_without_duration(tmp_path: Path) -> None:
    data = matroska(b"webm") + bytes(256)
    result, out_dir = process(tmp_path, data)

    assert (result.kind, result.mime_type, result.original_filename) == (
        "video",
        "video/webm",
        "original.webm",
    )
    assert result.duration_seconds is None
    assert (out_dir / "original.webm").read_bytes() == data


def test_matroska_passed_off_as_webm_is_invalid(tmp_path: Path) -> None:
    source = upload(tmp_path, matroska(b"matroska"))
    with pytest.raises(InvalidMedia):
        process_file(source, tmp_path / "out", WEBM, OPTIONS)


def test_pdf_is_stored_as_uploaded(tmp_path: Path) -> None:
    result, out_dir = process(tmp_path, PDF)

    assert (result.kind, result.mime_type, result.original_filename) == (
        "document",
        "application/pdf",
        "original.pdf",
    )
    assert (out_dir / "original.pdf").read_bytes() == PDF


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(PDF.replace(b"%%EOF", b"")[:-1], id="no end-of-file marker"),
        pytest.param(PDF[:-20] + bytes(2000), id="end marker not near the end"),
        pytest.param(b"<html>%PDF-1.4 %%EOF</html>", id="html"),
    ],
)
def test_fake_or_truncated_pdf_is_invalid(tmp_path: Path, data: bytes) -> None:
    source = upload(tmp_path, data)
    with pytest.raises(InvalidMedia):
        process_file(source, tmp_path / "out", PDF_DOCUMENT, OPTIONS)


# --- Across the process pool ------------------------------------------------------------------


def test_results_and_refusals_survive_pickling() -> None:
    processed = Processed(
        kind="image",
        mime_type="image/png",
        original_filename="original.png",
        width=100,
        height=80,
        duration_seconds=None,
        blurhash="LKO2?U%2Tw=w]~RBVZRi};RPxuwH",
        dominant_color="#dc141e",
        renditions=(RenditionFile("w100_webp", "w100.webp", 100, 80, "image/webp"),),
    )
    assert pickle.loads(pickle.dumps(processed)) == processed
    assert pickle.loads(pickle.dumps(OPTIONS)) == OPTIONS
    for refusal in (UnsupportedMedia("not accepted"), InvalidMedia("damaged")):
        copy = pickle.loads(pickle.dumps(refusal))
        assert (type(copy), copy.status, str(copy)) == (type(refusal), refusal.status, str(refusal))
        assert isinstance(copy, MediaRefused)


def test_processing_runs_in_a_process_pool(tmp_path: Path) -> None:
    photo = upload(tmp_path, phone_photo(), "photo")
    broken = upload(tmp_path, phone_photo()[:2000], "broken")
    jpeg = JPEG
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        done = pool.submit(process_file, photo, tmp_path / "photo-out", jpeg, OPTIONS)
        refused = pool.submit(process_file, broken, tmp_path / "broken-out", jpeg, OPTIONS)
        assert done.result().width == 900
        with pytest.raises(InvalidMedia):
            refused.result()
