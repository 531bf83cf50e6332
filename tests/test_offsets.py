import numpy as np
import regex
from hypothesis import given
from hypothesis import strategies as st

from pipeline.offsets import MappedText


def spans_ok(mapped: MappedText, source: str) -> None:
    assert len(mapped.starts) == len(mapped.text) + 1 == len(mapped.ends)
    assert np.all(mapped.starts[:-1] <= mapped.ends[:-1])
    assert np.all(mapped.ends <= len(source))


def test_deletion_credits_neighbours_and_keeps_spans():
    source = "الـ«يونيفل»"
    mapped = MappedText.identity(source).rewrite(regex.compile("\u0640"), "")
    assert mapped.text == "ال«يونيفل»"
    start, end = mapped.source_span(3, 9)
    assert source[start:end] == "يونيفل"
    spans_ok(mapped, source)


def test_replacement_of_other_length_maps_to_whole_match():
    source = "a &amp; b"
    mapped = MappedText.identity(source).rewrite(regex.compile("&amp;"), "&")
    assert mapped.text == "a & b"
    assert mapped.source_span(2, 3) == (2, 7)
    assert source[slice(*mapped.source_span(0, 5))] == source


def test_composed_rewrites_point_into_the_original():
    source = "xx\u064e\u064eyy--zz"
    mapped = MappedText.identity(source).rewrite(regex.compile("[\u064e]+"), "").rewrite(regex.compile("--"), " ")
    assert mapped.text == "xxyy zz"
    assert source[slice(*mapped.source_span(0, 4))] == "xx\u064e\u064eyy"
    assert source[slice(*mapped.source_span(5, 7))] == "zz"


def test_join_and_slice():
    source = "title\n\nbody line"
    a = MappedText.identity(source).slice(0, 5)
    b = MappedText.identity(source).slice(7, 16)
    joined = MappedText.join([a, b], "\n")
    assert joined.text == "title\nbody line"
    assert source[slice(*joined.source_span(6, 10))] == "body"
    assert source[slice(*joined.source_span(0, 5))] == "title"


def test_translate_must_be_one_to_one():
    mapped = MappedText.identity("فی").translate(str.maketrans({"ی": "ي"}))
    assert mapped.text == "في" and mapped.source_span(0, 2) == (0, 2)


@given(st.text(alphabet=st.sampled_from(list("ab\u064e\u0640 -<>&;\n")), max_size=60),
       st.integers(0, 60), st.integers(0, 60))
def test_any_rewrite_chain_keeps_ordered_spans(source, i, j):
    mapped = (MappedText.identity(source)
              .rewrite(regex.compile("[\u064e\u0640]+"), "")
              .rewrite(regex.compile("<[^>]*>"), "\n")
              .rewrite(regex.compile("&[a-z]*;?"), "&"))
    spans_ok(mapped, source)
    a, b = sorted((min(i, len(mapped.text)), min(j, len(mapped.text))))
    start, end = mapped.source_span(a, b)
    assert 0 <= start <= end <= len(source)
