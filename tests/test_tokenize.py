"""Stage 2: word boundaries (agreeing with CAMeL Tools), proclitics and sentences."""

import gzip
import itertools
import json

import pytest

from pipeline.clean import clean_text


def stems(tokenizer, text):
    return [(t.text, t.norm) for t in tokenizer.tokenize(text) if not t.is_clitic]


@pytest.mark.parametrize(
    "word, clitic, stem_surface, stem_norm",
    [
        ("والولايات", "و", "الولايات", "الولايات"),
        ("ولواشنطن", "ول", "واشنطن", "واشنطن"),
        ("بالعراق", "ب", "العراق", "العراق"),
        ("للأمم", "ل", "لأمم", "الامم"),
        ("وحماس", "و", "حماس", "حماس"),
        ("وسوريا", "و", "سوريا", "سوريا"),
    ],
)
def test_proclitics_are_split_with_offsets(tokenizer, word, clitic, stem_surface, stem_norm):
    text = f"قال {word} أمس"
    tokens = tokenizer.tokenize(text)
    clitic_token, stem = tokens[1], tokens[2]
    assert clitic_token.is_clitic and clitic_token.text == clitic
    assert (stem.text, stem.norm) == (stem_surface, stem_norm)
    assert text[stem.start:stem.end] == stem_surface
    assert clitic_token.end == stem.start


@pytest.mark.parametrize("word", ["وليد", "بغداد", "لبنان", "كندا", "فرنسا", "وزير", "لكن", "كما"])
def test_words_that_only_look_like_proclitics_stay_whole(tokenizer, word):
    tokens = tokenizer.tokenize(word)
    assert [t.text for t in tokens] == [word]


def test_sentences_split_on_punctuation_and_lines_not_on_decimals(tokenizer):
    (doc,) = clean_text("ارتفع المؤشر 2.5 في المئة. وقال د. أحمد إن ذلك جيد؟ نعم\nسطر جديد", source="t")
    from pipeline.tokenize import Tokenizer

    tdoc = Tokenizer()(doc)
    texts = [doc.text.text[tdoc.tokens[s.start].start:tdoc.tokens[s.end - 1].end] for s in tdoc.sentences]
    assert texts == ["ارتفع المؤشر 2.5 في المئة.", "وقال د. أحمد إن ذلك جيد؟", "نعم", "سطر جديد"]


def _camel_words(text):
    from camel_tools.tokenizers.word import simple_word_tokenize

    return simple_word_tokenize(text)


def _our_words(tokenizer, text):
    """Our tokens with each split-off proclitic glued back onto its word."""
    words, glue = [], False
    for token in tokenizer.tokenize(text):
        if glue:
            words[-1] += token.text
        else:
            words.append(token.text)
        glue = token.is_clitic
    return words


def test_word_boundaries_agree_with_camel_tools_on_the_sample(tokenizer):
    from conftest import SEED

    text = SEED.read_text(encoding="utf-8")
    assert _our_words(tokenizer, text) == _camel_words(text)


def test_word_boundaries_agree_with_camel_tools_on_real_news(tokenizer, shared_dir):
    path = shared_dir / "corpora" / "news_unlabeled" / "part-000.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in itertools.islice(lines, 300)]
    agree = sum(_our_words(tokenizer, t) == _camel_words(t) for t in texts)
    assert agree / len(texts) >= 0.97, f"only {agree}/{len(texts)} articles tokenized exactly like camel-tools"
