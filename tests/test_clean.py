"""Stage 1: decoding, HTML, Unicode repairs, article structure and dates — with offsets."""

import codecs

import pytest

from pipeline.clean import clean, clean_text
from pipeline.clean.dates import parse_date
from pipeline.clean.decode import DecodeError, decode_bytes
from pipeline.types import PipelineError, RawInput

ARABIC = "قال رئيس الوزراء نجيب ميقاتي إن لبنان ملتزم بالقرار 1701."


@pytest.mark.parametrize(
    "data, encoding",
    [
        (ARABIC.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ARABIC.encode("utf-8"), "utf-8-sig"),
        (ARABIC.encode("utf-16"), "utf-16"),
        (ARABIC.encode("utf-16-le"), "utf-16-le"),
        (ARABIC.encode("utf-16-be"), "utf-16-be"),
        (ARABIC.encode("cp1256"), "cp1256"),
    ],
)
def test_decode_detects_encoding(data, encoding):
    text, found = decode_bytes(data)
    assert text == ARABIC
    assert found == encoding
    assert data.decode(found) == text  # the recorded encoding reproduces the offset base


def test_decode_rejects_binary():
    with pytest.raises(DecodeError):
        decode_bytes(bytes(range(256)) * 20)
    with pytest.raises(PipelineError):
        clean(RawInput("x.bin", b"\x89PNG\r\n\x1a\n" + bytes(range(32)) * 100, "text"))


def test_normalization_repairs_and_offsets():
    source = "المُسلّحة فی العراق الـ«يونيفل» ٢٠٢٤ \u200fواشنطن"
    (doc,) = clean_text(source, source="t")
    text = doc.text.text
    assert "المسلحة" in text and "في العراق" in text and '"يونيفل"' in text and "2024" in text
    assert "\u200f" not in text and "\u0640" not in text
    for word, surface in (("المسلحة", "المُسلّحة"), ("يونيفل", "يونيفل"), ("واشنطن", "واشنطن"), ("2024", "٢٠٢٤")):
        i = text.index(word)
        start, end = doc.text.source_span(i, i + len(word))
        assert source[start:end] == surface


def test_trailing_diacritic_stays_inside_the_span():
    source = "غزةَ مدينة"
    (doc,) = clean_text(source, source="t")
    start, end = doc.text.source_span(0, 3)
    assert source[start:end] == "غزةَ"


def test_html_visible_text_and_entities_map_back():
    source = (
        "<html><head><title>عنوان الخبر</title><style>p{}</style>"
        '<meta property="article:published_time" content="2024-01-27T10:00:00Z"></head>'
        "<body><p>زار غوتيريش&nbsp;لبنان &amp; سوريا</p><script>var x='بغداد';</script>"
        "<div>القرار&#32;1701</div></body></html>"
    )
    (doc,) = clean_text(source, source="t.html", fmt="html")
    assert doc.title == "عنوان الخبر"
    assert doc.published == "2024-01-27"
    assert "بغداد" not in doc.text.text  # script content is not text
    assert "زار غوتيريش لبنان & سوريا" in doc.text.text
    for word in ("غوتيريش", "لبنان", "سوريا", "عنوان الخبر"):
        i = doc.text.text.index(word)
        start, end = doc.text.source_span(i, i + len(word))
        assert source[start:end] == word
    i = doc.text.text.index("القرار 1701")
    start, end = doc.text.source_span(i, i + len("القرار 1701"))
    assert source[start:end] == "القرار&#32;1701"


def test_broken_and_deeply_nested_html_does_not_fail():
    source = "<div>" * 5000 + "نص <b>عربي" + "</span>" * 3 + "<p unclosed"
    (doc,) = clean_text(source, source="t.html", fmt="html")
    assert "نص عربي" in doc.text.text


def test_seed_structure(tmp_path):
    from conftest import SEED

    docs = clean(RawInput(str(SEED), SEED.read_bytes(), "text"))
    assert [d.part for d in docs] == [1, 2]
    first, second = docs
    assert first.title == "بدء محادثات رسمية عراقية أميركية لإنهاء مهمة التحالف"
    assert first.published == "2024-01-27"
    assert first.outlet == "بوابة الوفد"
    assert first.keywords and "في العراق" in first.keywords[0]
    assert second.title.startswith("غوتيريش زار ميقاتي وتفقد اليونيفيل")
    for doc in docs:  # metadata lines are not body text
        for marker in ("تاريخ النشر", "المصدر:", "كلمات دلالية", "إقرأ أيضاً", "أيضا:"):
            assert marker not in doc.text.text
    assert first.doc_id.endswith("#1") and second.doc_id.endswith("#2")


def test_related_block_with_inline_headline():
    source = "عنوان أول\nتاريخ النشر: 3 أيار 2025\nنص الخبر الأول هنا.\nاقرأ أيضا: عنوان الخبر الثاني\nنص الخبر الثاني."
    first, second = clean_text(source, source="t")
    assert first.published == "2025-05-03" and first.title == "عنوان أول"
    assert second.title == "عنوان الخبر الثاني"
    assert second.text.text.endswith("نص الخبر الثاني.")


def test_plain_article_without_headline_keeps_first_paragraph_as_body():
    source = "\n  قال مسؤول عراقي إن الحكومة ستعلن قرارها غدا.\nوأضاف أن المحادثات مستمرة.\n  "
    (doc,) = clean_text(source, source="t")
    assert doc.title == ""
    assert doc.text.text.startswith("قال مسؤول")


@pytest.mark.parametrize(
    "text, iso",
    [
        ("27th, January 2024 GMT", "2024-01-27"),
        ("٢٧ كانون الثاني ٢٠٢٤", "2024-01-27"),
        ("الأحد 27 يناير 2024 - 10:30", "2024-01-27"),
        ("27 تشرين الثاني 2024", "2024-11-27"),
        ("3 جوان 2019", "2019-06-03"),
        ("2024-01-27T10:00:00Z", "2024-01-27"),
        ("27/01/2024", "2024-01-27"),
        ("٣ آب (أغسطس) ٢٠٢٠", "2020-08-03"),
        ("March 5, 2023", "2023-03-05"),
        ("31 فبراير 2024", None),
        ("لا تاريخ هنا", None),
    ],
)
def test_dates(text, iso):
    assert parse_date(text) == iso
