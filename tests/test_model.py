"""The shipped statistical NER model: unseen names, tag-conll round trip, scoring, pipeline wiring."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.clean import clean_text
from pipeline.ner.evaluate import Scores, read_tagged
from pipeline.ner.model import Model, segment, spans_to_tags, tags_to_piece_spans
from pipeline.ner.tagging import CRF, LABELS, FloretVectors, transition_mask
from pipeline.resources import resource_paths
from pipeline.tokenize import Tokenizer

MODEL_PATH = resource_paths().model
needs_model = pytest.mark.skipif(not (MODEL_PATH / "model.onnx").is_file(),
                                 reason=f"no shipped model at {MODEL_PATH} (run `make train`)")


@pytest.fixture(scope="module")
def model() -> Model:
    return Model()


# Invented names: in no gazetteer and nowhere in ANERcorp.
UNSEEN = [
    ("وقال الرئيس الغاني كواميناه أمبارو تيتيه إن بلاده ستشارك في القمة .", "كواميناه أمبارو تيتيه", "PER"),
    ("والتقى وزير الخارجية تيودوريك بيرغمانسون بنظيره في العاصمة .", "تيودوريك بيرغمانسون", "PER"),
    ("وصرح المتحدث باسم الشركة إيفاريستو فيلدهاوزر للصحفيين أمس .", "إيفاريستو فيلدهاوزر", "PER"),
]


@needs_model
@pytest.mark.parametrize("text,name,label", UNSEEN)
def test_finds_unseen_people(model: Model, text: str, name: str, label: str) -> None:
    tokens = text.split()
    first = tokens.index(name.split()[0])
    last = first + len(name.split())
    tags = model.tag_sentences([tokens])[0]
    # a mention of the right type that starts on the name and covers at least two of its words
    assert any(lab == label and s == first and first + 2 <= e <= last for s, e, lab in _spans(tags)), \
        list(zip(tokens, tags))


def _spans(tags):
    from pipeline.ner.conll import spans

    return spans(tags)


@needs_model
def test_tag_conll_round_trip(tmp_path: Path) -> None:
    from pipeline.cli import main

    gold = tmp_path / "gold.txt"
    gold.write_text("وصل O\nالرئيس O\nالفرنسي O\nإيمانويل B-PERS\nماكرون I-PERS\nإلى O\nوالقاهرة B-LOC\n. O\n\n"
                    "أمس O\n. O", encoding="utf-8")
    out = tmp_path / "out.txt"
    result = CliRunner().invoke(main, ["tag-conll", str(gold), str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").split("\n")
    rows = [line.split(" ") for line in lines if line]
    assert [r[0] for r in rows] == ["وصل", "الرئيس", "الفرنسي", "إيمانويل", "ماكرون", "إلى", "والقاهرة", ".", "أمس", "."]
    assert [r[1] for r in rows][3:5] == ["B-PER", "I-PER"]  # gold mapped PERS -> PER
    assert lines[8] == ""  # sentence boundary kept
    assert rows[6][2] == "B-LOC"  # the token keeps its clitic; its stem's tag is written
    result = CliRunner().invoke(main, ["evaluate", "--conll", str(out), "--json", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    assert "micro" in result.output and (tmp_path / "s.json").is_file()


def test_scores_hand_computed(tmp_path: Path) -> None:
    # gold: PER(0-2) LOC(3) ORG(5-7) and an orphan I-MISC (8), which conlleval counts as an entity
    gold = ["B-PER", "I-PER", "B-LOC", "O", "O", "B-ORG", "I-ORG", "O", "I-MISC"]
    # pred: PER exact; LOC missed; ORG with a wrong end; MISC exact (B- where gold has orphan I-);
    # one spurious LOC
    pred = ["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG", "O", "O", "B-MISC"]
    scores = Scores()
    scores.add(gold, pred)
    # gold 4 entities, predicted 4, correct 2 (PER, MISC) -> P = R = F1 = 0.5
    assert scores.prf() == (0.5, 0.5, 0.5)
    assert scores.prf("PER") == (1.0, 1.0, 1.0)
    assert scores.prf("ORG") == (0.0, 0.0, 0.0)
    p, r, f = scores.prf("LOC")
    assert (p, r, f) == (0.0, 0.0, 0.0)
    # a second sentence: 1 gold, 2 predicted, 1 correct -> micro 3/6 precision, 3/5 recall
    scores.add(["B-LOC", "O", "O"], ["B-LOC", "B-PER", "O"])
    p, r, f = scores.prf()
    assert p == pytest.approx(3 / 6) and r == pytest.approx(3 / 5) and f == pytest.approx(2 * 0.5 * 0.6 / 1.1)
    tagged = tmp_path / "t.txt"
    tagged.write_text("\n".join(f"w {g} {p}" for g, p in zip(gold, pred)) + "\n", encoding="utf-8")
    g, p = read_tagged(tagged)
    assert g == [gold] and p == [pred]


def test_segment_maps_stem_tags_back() -> None:
    tokenizer = Tokenizer()
    tokens = ["والولايات", "المتحدة", "وبغداد"]
    seg = segment(tokens, tokenizer)
    assert seg.words[:2] == ["و", "الولايات"] and seg.clitic[:2] == [True, False]
    gold = ["B-LOC", "I-LOC", "B-LOC"]
    spans = tags_to_piece_spans(gold, seg)
    assert all(not seg.clitic[s] for s, _, _ in spans)  # no entity starts on a clitic
    assert spans_to_tags(spans, seg, len(tokens)) == gold


@needs_model
def test_pipeline_mentions_come_from_model(nlp) -> None:
    from pipeline.ner import DEFAULT_COMPONENTS

    assert "model" in DEFAULT_COMPONENTS
    # no title or role before the name, so no rule can find it: only the model can
    text = "وأكد تيودوريك بيرغمانسون أن المفاوضات ستستمر حتى الأسبوع المقبل ."
    found = {m.text: m for m in nlp(text).mentions}
    assert "تيودوريك بيرغمانسون" in found, found
    assert found["تيودوريك بيرغمانسون"].method == "model" and found["تيودوريك بيرغمانسون"].label == "PER"
    forms = {form for entry in nlp.gazetteer.entries.values() for form in entry.surface_forms}
    assert "بيرغمانسون" not in forms and "تيودوريك بيرغمانسون" not in forms


def test_propagate_copies_whole_mentions_only() -> None:
    from pipeline.ner.model import PROPAGATED_SCORE, propagate

    norms = [["قال", "اميل", "لحود", "امس"], ["و", "اميل", "لحود", "رد"], ["لحود", "غادر"]]
    clitic = [[False, False, False, False], [True, False, False, False], [False, False]]
    spans = [[(1, 3, "PER", 1.0)], [], []]
    out = propagate(norms, clitic, spans, window=10)
    assert out[0] == [(1, 3, "PER", 1.0)]
    assert out[1] == [(1, 3, "PER", PROPAGATED_SCORE)]  # the repeat, after its clitic
    assert out[2] == []  # a part of a mention is not copied
    assert propagate(norms, clitic, spans, window=0)[1] == []


def test_numpy_floret_vectors_match_spacy() -> None:
    """Our numpy floret lookup gives spaCy's vectors (same n-grams, MurmurHash3, rows)."""
    import numpy as np
    from spacy.vectors import Vectors

    rng = np.random.default_rng(0)
    table = rng.normal(size=(997, 8)).astype(np.float32)
    settings = dict(minn=3, maxn=5, hash_count=2, hash_seed=2166136261, bow="<", eow=">")
    ours = FloretVectors(table, **settings)
    theirs = Vectors(data=table, mode="floret", **settings)
    words = ["العراق", "غوتيريش", "x", "a" * 40, "ولواشنطن", "١٧٠١", "😀"]
    expected = np.stack([theirs.get_batch([w])[0] for w in words])
    assert np.abs(ours(words) - expected).max() < 1e-5
    assert not ours([""]).any()


def test_viterbi_never_makes_an_invalid_iob_move() -> None:
    """Emissions that favour an orphan I- tag still decode to valid IOB2."""
    import numpy as np

    trans, start = transition_mask()
    crf = CRF(trans, start, np.zeros(len(LABELS), dtype=np.float32))
    scores = np.full((2, 3, len(LABELS)), -5.0, dtype=np.float32)
    i_org, b_per, i_per = LABELS.index("I-ORG"), LABELS.index("B-PER"), LABELS.index("I-PER")
    scores[:, 0, i_org] = 10.0  # I- at the start of a sentence: forbidden
    scores[:, 1, b_per] = 10.0
    scores[:, 2, i_org] = 10.0  # I-ORG after B-PER: forbidden
    scores[1, 2, i_per] = 9.0
    paths = crf.viterbi(scores, np.array([3, 2]))
    for path in paths:
        labels = [LABELS[k] for k in path]
        assert not labels[0].startswith("I-")
        assert all(not b.startswith("I-") or (a != "O" and a[2:] == b[2:]) for a, b in zip(labels, labels[1:]))
    assert len(paths[1]) == 2


@needs_model
def test_model_mentions_carry_a_confidence(model: Model, tokenizer) -> None:
    from pipeline.clean import clean_text
    from pipeline.ner.base import DocView

    (doc,) = clean_text("وأكد تيودوريك بيرغمانسون أن المفاوضات ستستمر حتى الأسبوع المقبل .", source="t")
    mentions = Model(tokenizer=tokenizer)(DocView(tokenizer(doc)), [])
    assert mentions and all(0.0 < m.score <= 1.0 for m in mentions)
    assert any(m.score < 1.0 for m in mentions)  # a probability, not a constant


def test_spans_never_start_or_end_on_a_symbol() -> None:
    """"#غسان_الإمام": a hashtag's "#" or a closing bracket the network put inside a name is trimmed."""
    class AllPerson:
        def tag_with_confidence(self, sentences, convention=None):
            return [(["B-PER"] + ["I-PER"] * (len(words) - 1), [0.9] * len(words)) for words, _, _ in sentences]

    model = Model.__new__(Model)
    model.network, model.convention = AllPerson(), 1
    words = ["#", "غسان", " ", ")"]
    assert model.predict([words], [words], [[False] * 4], window=0) == [[(1, 2, "PER", 0.9)]]


def test_words_never_alone_are_counted_from_gold_labels() -> None:
    from types import SimpleNamespace

    from pipeline.training.lone_words import alone_counts, never_alone

    def sentence(norms, labels, clitic=None):
        return SimpleNamespace(norms=norms, labels=labels, clitic=clitic or [False] * len(norms))

    gold = [sentence(["قوات", "الامن"], ["B-ORG", "I-ORG"]) for _ in range(5)]
    gold += [sentence(["زار", "سيول"], ["O", "B-LOC"]) for _ in range(5)]
    gold += [sentence(["قوات", "و", "الجيش"], ["O", "O", "B-ORG"], [False, True, False])]
    gold += [sentence(["حماس"], ["B-ORG"]), sentence(["قال", "ان"], ["O", "O"])]
    seen, alone = alone_counts(gold)
    assert (seen["قوات"], alone["قوات"]) == (6, 0) and (seen["سيول"], alone["سيول"]) == (5, 5)
    assert seen["و"] == 0  # clitics are not words
    assert never_alone(seen, alone) == ["الامن", "زار", "قوات"]  # سيول is a name alone; the rest are too rare


@needs_model
def test_stage_drops_one_word_model_mentions_of_words_never_alone(model: Model, monkeypatch) -> None:
    from pipeline.ner.base import DocView
    from pipeline.ner.model import _never_alone

    assert "قوات" in _never_alone(str(MODEL_PATH))  # shipped with the model
    text = "وصلت قوات إلى مدينة كوفاليسك أمس ."
    view = DocView(model.tokenizer(next(iter(clean_text(text, source="t")))))
    norms = [t.norm for t in view.tokens]
    forces, town = norms.index("قوات"), norms.index("كوفاليسك")
    monkeypatch.setattr(Model, "predict", lambda self, *a, **k: [[(forces, forces + 1, "ORG", 0.9),
                                                                  (town, town + 1, "LOC", 0.9)]])
    assert [m.norm for m in model(view, [])] == ["كوفاليسك"]
