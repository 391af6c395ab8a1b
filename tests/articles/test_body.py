"""Plain text and blocks derived from a body: words at block edges stay apart."""

from __future__ import annotations

from app.articles.body import parse_body


def test_a_quotes_attribution_is_its_own_field_and_its_own_words() -> None:
    body = parse_body(
        "<blockquote><p>هذه ليست نهاية الطريق</p><cite>أحمد السالم</cite></blockquote>"
    )
    assert body.blocks[0]["text"] == "هذه ليست نهاية الطريق"
    assert body.blocks[0]["cite"] == "أحمد السالم"
    assert body.text == "هذه ليست نهاية الطريق\nأحمد السالم"
    assert body.word_count == 6


def test_line_breaks_and_block_edges_separate_words_but_inline_markup_does_not() -> None:
    body = parse_body(
        "<p>السطر الأول<br>السطر الثاني و<b>كلمة</b>واحدة</p><ul><li>أ</li><li>ب</li></ul>"
    )
    assert body.blocks[0]["text"] == "السطر الأول السطر الثاني وكلمةواحدة"
    assert body.text.endswith("\n\nأ\nب")


def test_every_attribution_of_a_quote_is_kept() -> None:
    body = parse_body("<blockquote><p>نص</p><cite>أ</cite> <cite>ب</cite></blockquote>")
    assert body.blocks[0]["cite"] == "أ — ب"
    assert body.text == "نص\nأ — ب"
