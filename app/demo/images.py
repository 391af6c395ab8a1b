"""Demo photographs, drawn with Pillow instead of shipped, so the repository carries no binary
assets and no third-party pictures.

Each picture is an abstract illustration (a two-colour gradient with translucent shapes),
stored the way uploads are stored: content-addressed as ``<aa>/<sha256>.jpg`` under the media
directory, with ``w320`` and ``w640`` renditions beside it. Everything here is blocking CPU and
disk work; async callers run it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageStat

MIME_TYPE = "image/jpeg"
JPEG_QUALITY = 85
#: Rendition name to target width; a rendition is never wider than its original.
RENDITION_WIDTHS: dict[str, int] = {"w320": 320, "w640": 640}


@dataclass(frozen=True, slots=True)
class Palette:
    key: str
    start: tuple[int, int, int]
    end: tuple[int, int, int]
    accent: tuple[int, int, int]
    #: How the colours read in alt text, and what the caption says the picture evokes.
    colours: dict[str, str]
    theme: dict[str, str]


PALETTES: tuple[Palette, ...] = (
    Palette(
        "dusk",
        (29, 53, 87),
        (231, 111, 81),
        (244, 162, 97),
        {"ar": "الأزرق الداكن إلى البرتقالي", "en": "deep blue to orange"},
        {"ar": "ألوان الغروب فوق المدينة", "en": "sunset colours over the city"},
    ),
    Palette(
        "sea",
        (2, 62, 138),
        (72, 202, 228),
        (202, 240, 248),
        {"ar": "الأزرق البحري إلى السماوي", "en": "navy to sky blue"},
        {"ar": "البحر في يوم صاف", "en": "the sea on a clear day"},
    ),
    Palette(
        "olive",
        (40, 54, 24),
        (221, 161, 94),
        (254, 250, 224),
        {"ar": "الزيتوني إلى الذهبي", "en": "olive green to gold"},
        {"ar": "حقول الزيتون في الخريف", "en": "olive groves in autumn"},
    ),
    Palette(
        "desert",
        (127, 85, 57),
        (237, 224, 212),
        (156, 102, 68),
        {"ar": "البني إلى الرملي", "en": "brown to sand"},
        {"ar": "رمال الصحراء بعد الظهيرة", "en": "desert sand in the afternoon"},
    ),
    Palette(
        "plum",
        (60, 9, 108),
        (255, 109, 0),
        (255, 158, 0),
        {"ar": "البنفسجي إلى البرتقالي", "en": "purple to orange"},
        {"ar": "أمسية صيفية", "en": "a summer evening"},
    ),
    Palette(
        "mint",
        (0, 75, 35),
        (128, 255, 219),
        (216, 243, 220),
        {"ar": "الأخضر الداكن إلى النعناعي", "en": "dark green to mint"},
        {"ar": "ربيع الحدائق العامة", "en": "spring in the public gardens"},
    ),
    Palette(
        "slate",
        (33, 37, 41),
        (173, 181, 189),
        (230, 57, 70),
        {"ar": "الرمادي الداكن إلى الفاتح مع لمسة حمراء", "en": "dark to light grey with red"},
        {"ar": "صباح شتوي رمادي", "en": "a grey winter morning"},
    ),
    Palette(
        "rose",
        (89, 13, 34),
        (255, 204, 213),
        (255, 77, 109),
        {"ar": "العنابي إلى الوردي", "en": "maroon to pink"},
        {"ar": "زهور الربيع", "en": "spring flowers"},
    ),
)

MOTIFS: dict[str, dict[str, str]] = {
    "circles": {"ar": "دوائر شفافة", "en": "translucent circles"},
    "bars": {"ar": "أشرطة مائلة", "en": "slanted bars"},
    "triangles": {"ar": "مثلثات متداخلة", "en": "overlapping triangles"},
}


@dataclass(frozen=True, slots=True)
class ImageSpec:
    """Everything that decides a demo picture; the same spec always gives the same bytes."""

    seed: int
    width: int
    height: int
    palette: Palette
    motif: str
    language: str

    def alt_text(self) -> str:
        colours = self.palette.colours[self.language]
        shapes = MOTIFS[self.motif][self.language]
        if self.language == "ar":
            return f"رسم تجريدي بتدرج لوني من {colours} تتوزع عليه {shapes}"
        return f"Abstract illustration: a gradient from {colours} with {shapes}"

    def caption(self) -> str:
        theme = self.palette.theme[self.language]
        if self.language == "ar":
            return f"صورة تعبيرية: {theme}"
        return f"Illustration: {theme}"


@dataclass(frozen=True, slots=True)
class StoredImage:
    """What media storage knows about one original: the fields a ``Media`` row needs."""

    storage_key: str
    content_hash: str
    byte_size: int
    width: int
    height: int
    mime_type: str
    dominant_color: str
    renditions: dict[str, dict[str, Any]]

    def media_fields(self) -> dict[str, Any]:
        return {
            "storage_key": self.storage_key,
            "content_hash": self.content_hash,
            "byte_size": self.byte_size,
            "width": self.width,
            "height": self.height,
            "mime_type": self.mime_type,
            "dominant_color": self.dominant_color,
            "renditions": self.renditions,
            # No blurhash encoder is installed; clients fall back to dominant_color.
            "blurhash": None,
        }


def demo_specs(
    seed: int = 2026, *, wide: int = 9, square: int = 3, languages: Sequence[str] = ("ar", "en")
) -> list[ImageSpec]:
    """Specs for ``wide`` 1600x900 pictures followed by ``square`` 800x800 ones (the squares
    suit avatars). Languages alternate two Arabic to one English, as the newsroom does."""
    rng = random.Random(seed)
    specs: list[ImageSpec] = []
    for index in range(wide + square):
        width, height = (1600, 900) if index < wide else (800, 800)
        specs.append(
            ImageSpec(
                seed=rng.getrandbits(32),
                width=width,
                height=height,
                palette=PALETTES[index % len(PALETTES)],
                motif=rng.choice(tuple(MOTIFS)),
                language=languages[1] if index % 3 == 2 else languages[0],
            )
        )
    return specs


def _gradient(size: tuple[int, int], palette: Palette, angle: float) -> Image.Image:
    # Rotate an oversized ramp and keep its centre, so no corner is left unpainted.
    ramp = Image.linear_gradient("L").resize((512, 512)).rotate(angle, Image.Resampling.BICUBIC)
    inset = (512 - 362) // 2
    mask = ramp.crop((inset, inset, inset + 362, inset + 362)).resize(
        size, Image.Resampling.BICUBIC
    )
    return Image.composite(
        Image.new("RGB", size, palette.end), Image.new("RGB", size, palette.start), mask
    )


def _shapes(spec: ImageSpec, rng: random.Random) -> Image.Image:
    layer = Image.new("RGBA", (spec.width, spec.height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    short = min(spec.width, spec.height)
    colours = (spec.palette.accent, (255, 255, 255), spec.palette.start)
    for _ in range(rng.randint(6, 12)):
        colour = (*rng.choice(colours), rng.randint(40, 130))
        x, y = rng.uniform(0, spec.width), rng.uniform(0, spec.height)
        size = rng.uniform(0.05, 0.3) * short
        if spec.motif == "circles":
            draw.ellipse((x - size, y - size, x + size, y + size), fill=colour)
        elif spec.motif == "bars":
            slant = rng.uniform(0.3, 1.0) * size
            thickness = size / 3
            draw.polygon(
                [
                    (x, y),
                    (x + thickness, y),
                    (x + thickness + slant, y + 3 * size),
                    (x + slant, y + 3 * size),
                ],
                fill=colour,
            )
        else:
            draw.polygon(
                [
                    (x, y - size),
                    (x + size * rng.uniform(0.7, 1.2), y + size),
                    (x - size * rng.uniform(0.7, 1.2), y + size),
                ],
                fill=colour,
            )
    # A slight blur softens the edges, closer to a photo than to clip art.
    return layer.filter(ImageFilter.GaussianBlur(2))


def render(spec: ImageSpec) -> Image.Image:
    """Draw the picture described by ``spec``."""
    rng = random.Random(spec.seed)
    base = _gradient((spec.width, spec.height), spec.palette, rng.uniform(0, 360))
    picture = Image.alpha_composite(base.convert("RGBA"), _shapes(spec, rng))
    return picture.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; content-addressed files already present are
    identical by construction, so they are left alone."""
    if path.exists() and path.stat().st_size == len(data):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def average_colour(image: Image.Image) -> str:
    red, green, blue = (round(channel) for channel in ImageStat.Stat(image).mean[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


def store_jpeg(image: Image.Image, media_dir: Path) -> StoredImage:
    """Encode ``image`` as JPEG, store it and its renditions under ``media_dir``."""
    data = _jpeg(image)
    digest = hashlib.sha256(data).hexdigest()
    folder = digest[:2]
    key = f"{folder}/{digest}.jpg"
    _write(media_dir / key, data)
    renditions: dict[str, dict[str, Any]] = {}
    for name, target in RENDITION_WIDTHS.items():
        width = min(target, image.width)  # never upscale
        height = max(1, round(image.height * width / image.width))
        small = (
            image
            if width == image.width
            else image.resize((width, height), Image.Resampling.LANCZOS)
        )
        rendition_key = f"{folder}/{digest}_{name}.jpg"
        _write(media_dir / rendition_key, _jpeg(small))
        renditions[name] = {
            "key": rendition_key,
            "width": width,
            "height": height,
            "mime_type": MIME_TYPE,
        }
    return StoredImage(
        storage_key=key,
        content_hash=digest,
        byte_size=len(data),
        width=image.width,
        height=image.height,
        mime_type=MIME_TYPE,
        dominant_color=average_colour(image),
        renditions=renditions,
    )


def make_demo_images(media_dir: Path, specs: Sequence[ImageSpec]) -> list[StoredImage]:
    """Render and store every spec, in order. Blocking: call it via ``asyncio.to_thread``."""
    media_dir.mkdir(parents=True, exist_ok=True)
    return [store_jpeg(render(spec), media_dir) for spec in specs]
