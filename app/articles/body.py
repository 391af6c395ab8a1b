"""Article bodies: sanitised HTML in, structured blocks and plain text out.

nh3 (the Ammonia sanitiser) keeps only what a news article needs, with ``dir``/``lang`` kept
everywhere so mixed Arabic and English text renders correctly; lxml parses the result into
``body_blocks`` for native apps and ``body_text`` for search and word counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lxml.html
import nh3

from app.core.text import count_words

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub",
    "sup", "small", "mark", "abbr", "cite", "q", "code", "pre", "span", "bdi", "bdo", "a", "ul",
    "ol", "li", "blockquote", "figure", "figcaption", "img", "table", "thead", "tbody", "tr",
    "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"dir", "lang", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "figure": {"data-media-id"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start", "reversed"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
HEADINGS = {"h2", "h3", "h4", "h5", "h6"}


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


# Elements whose edges separate words: ``<p>a</p><cite>b</cite>`` and ``a<br>b`` are two
# words each, not ``ab``.
_SEPARATING = frozenset(
    {"br", "p", "div", "li", "cite", "figcaption", "blockquote", "pre", "tr", "td", "th", "hr"}
    | {f"h{level}" for level in range(1, 7)}
)


def _text(element: Any, skip: frozenset[str] = frozenset()) -> str:
    """The element's text, whitespace collapsed; block edges and line breaks separate words;
    elements named in ``skip`` are left out."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        separated = tag in _SEPARATING
        if separated:
            parts.append(" ")
        parts.append(node.text or "")
        for child in node:
            if not (isinstance(child.tag, str) and child.tag in skip):
                walk(child)
            parts.append(child.tail or "")
        if separated:
            parts.append(" ")

    walk(element)
    return " ".join("".join(parts).split())


def _inner_html(element: Any) -> str:
    parts = [element.text or ""]
    parts += [lxml.html.tostring(child, encoding="unicode") for child in element]
    return "".join(parts).strip()


def _attrs(element: Any) -> dict[str, str]:
    return {key: element.get(key) for key in ("dir", "lang") if element.get(key)}


def _block(element: Any) -> dict[str, Any] | None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "p":
        text = _text(element)
        return {"type": "paragraph", "text": text, "html": _inner_html(element)} if text else None
    if tag in HEADINGS:
        return {"type": "heading", "level": int(tag[1]), "text": _text(element)}
    if tag == "blockquote":
        block = {"type": "quote", "text": _text(element, skip=frozenset({"cite"}))}
        cites = [text for cite in element.iter("cite") if (text := _text(cite))]
        if cites:
            block["cite"] = " — ".join(cites)
        return block
    if tag in ("ul", "ol"):
        items = [_text(li) for li in element.iter("li")]
        return {"type": "list", "ordered": tag == "ol", "items": items}
    if tag == "figure":
        caption_el = element.find(".//figcaption")
        caption = _text(caption_el) if caption_el is not None else None
        if element.get("data-media-id", "").isdigit():
            return {
                "type": "media",
                "media_id": int(element.get("data-media-id")),
                "caption": caption,
            }
        img = element.find(".//img")
        if img is not None:
            return {
                "type": "image",
                "src": img.get("src"),
                "alt": img.get("alt"),
                "caption": caption,
            }
        return None
    if tag == "img":
        return {
            "type": "image",
            "src": element.get("src"),
            "alt": element.get("alt"),
            "caption": None,
        }
    if tag == "hr":
        return {"type": "divider"}
    if tag == "pre":
        return {"type": "code", "text": element.text_content()}
    if tag == "table":
        rows = [
            [_text(cell) for cell in row if cell.tag in ("td", "th")] for row in element.iter("tr")
        ]
        return {"type": "table", "rows": rows}
    text = _text(element)
    return (
        {"type": "paragraph", "text": text, "html": lxml.html.tostring(element, encoding="unicode")}
        if text
        else None
    )


@dataclass(frozen=True, slots=True)
class Body:
    html: str
    blocks: list[dict[str, Any]]
    text: str
    word_count: int


def _plain(block: dict[str, Any]) -> str:
    """A block's words in the plain text: its text, a quote's attribution, a list's items."""
    lines = [block.get("text") or "", block.get("cite") or "", *block.get("items", [])]
    return "\n".join(line for line in lines if line)


def parse_body(html: str) -> Body:
    """Sanitise ``html`` and derive its blocks, plain text and word count."""
    clean = sanitize(html)
    blocks: list[dict[str, Any]] = []
    if clean.strip():
        for element in lxml.html.fragments_fromstring(clean):
            if isinstance(element, str):
                if element.strip():
                    blocks.append(
                        {
                            "type": "paragraph",
                            "text": " ".join(element.split()),
                            "html": element.strip(),
                        }
                    )
                continue
            block = _block(element)
            if block is not None:
                blocks[len(blocks) :] = [{**block, **_attrs(element)}]
    text = "\n\n".join(filter(None, map(_plain, blocks)))
    return Body(html=clean, blocks=blocks, text=text, word_count=count_words(text))
