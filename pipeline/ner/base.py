"""Shared helpers for NER components: a document view with token lookups and mention building."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from pipeline.types import Mention, Token, TokenizedDocument


@dataclass
class DocView:
    """A tokenized document with the lookups every recognizer needs."""

    tdoc: TokenizedDocument
    starts: list[int] = field(init=False)
    sentence_of: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.starts = [t.start for t in self.tdoc.tokens]
        self.sentence_of = [0] * len(self.tdoc.tokens)
        for number, sentence in enumerate(self.tdoc.sentences):
            for i in range(sentence.start, sentence.end):
                self.sentence_of[i] = number

    @property
    def tokens(self) -> list[Token]:
        return self.tdoc.tokens

    @property
    def text(self) -> str:
        return self.tdoc.doc.text.text

    def token_at(self, char: int) -> int:
        """Index of the token that contains (or starts after) character ``char``."""
        i = bisect.bisect_right(self.starts, char) - 1
        return max(i, 0)

    def mention(self, first: int, last: int, label: str, method: str, score: float, *,
                start: int | None = None, norm: str | None = None, value: str = "", kb_id: str = "",
                antecedent: int = -1, container: bool = False, candidates: tuple[str, ...] = ()) -> Mention:
        """A mention over tokens ``first..last`` (inclusive); ``start`` overrides the first char."""
        tokens = self.tokens
        begin = tokens[first].start if start is None else start
        if norm is None:
            norm = " ".join(t.norm for t in tokens[first:last + 1] if not t.is_clitic)
        return Mention(
            start=begin, end=tokens[last].end, label=label, method=method, score=score,
            sentence=self.sentence_of[first], norm=norm, value=value, kb_id=kb_id, antecedent=antecedent,
            container=container, candidates=candidates,
        )


def mention_token_range(view: DocView, mention: Mention) -> tuple[int, int]:
    """First and last token index covered by ``mention``."""
    return view.token_at(mention.start), view.token_at(mention.end - 1)
