"""Tag pre-tokenized CoNLL sentences with the whole NER stage, not just the model.

The stage (gazetteer, rules, model, merge, coreference) works on text; here the given tokens
are joined with spaces, a run of sentences forms one document (so coreference and the
model's repeat copying see some context), and every mention is mapped back onto the given
tokens: ``B-`` on the token where it starts (a token keeps its attached proclitic, as in the
gold corpora), ``I-`` on the others. RES mentions have no counterpart in these corpora and
are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pipeline.ner import Recognizer
from pipeline.offsets import MappedText
from pipeline.tokenize import Tokenizer
from pipeline.types import CleanDocument

SENTENCES_PER_DOCUMENT = 10
SCORED_LABELS = ("PER", "LOC", "ORG", "MISC")


class StageTagger:
    """``tag_sentences(sentences) -> IOB tags`` with the full NER stage."""

    def __init__(self, recognizer: Recognizer, tokenizer: Tokenizer):
        self.recognizer = recognizer
        self.tokenizer = tokenizer

    def tag_sentences(self, sentences: Iterable[Sequence[str]]) -> list[list[str]]:
        given = [list(s) for s in sentences]
        tags: list[list[str]] = []
        for first in range(0, len(given), SENTENCES_PER_DOCUMENT):
            tags.extend(self._tag_document(given[first:first + SENTENCES_PER_DOCUMENT]))
        return tags

    def _tag_document(self, sentences: list[list[str]]) -> list[list[str]]:
        text, starts = _layout(sentences)
        tdoc = self.tokenizer(CleanDocument("conll", "conll", 1, text, "", MappedText.identity(text)))
        flat_starts = [start for sentence in starts for start in sentence]
        flat_ends = [start + len(token) for sentence, tokens in zip(starts, sentences)
                     for start, token in zip(sentence, tokens)]
        flat_tags = ["O"] * len(flat_starts)
        for mention in self.recognizer(tdoc):
            if mention.label not in SCORED_LABELS:
                continue
            inside = [i for i, (a, b) in enumerate(zip(flat_starts, flat_ends)) if a < mention.end and b > mention.start]
            for n, i in enumerate(inside):
                flat_tags[i] = ("B-" if n == 0 else "I-") + mention.label
        out, k = [], 0
        for sentence in sentences:
            out.append(flat_tags[k:k + len(sentence)])
            k += len(sentence)
        return out


def _layout(sentences: list[list[str]]) -> tuple[str, list[list[int]]]:
    """Tokens joined by spaces, sentences by newlines; the start offset of every token."""
    starts, position = [], 0
    for sentence in sentences:
        sentence_starts = []
        for token in sentence:
            sentence_starts.append(position)
            position += len(token) + 1  # the space after it, or the newline ending the sentence
        starts.append(sentence_starts)
    return "".join(" ".join(sentence) + "\n" for sentence in sentences), starts
