"""Training the NER networks: the CRF the teacher learns by, the student's ONNX export, the data.

The export test is the contract between training (PyTorch) and the shipped runtime (ONNX
Runtime): the graph written by :func:`export_onnx`, loaded by :class:`StudentNetwork` as the
pipeline loads it, gives the label scores and the tags of the torch network it came from, for
both annotation conventions.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from pipeline.ner.conll import spans as tag_spans  # noqa: E402
from pipeline.ner.student import ANERCORP, NEWS, StudentNetwork  # noqa: E402
from pipeline.ner.tagging import LABELS, FloretVectors  # noqa: E402
from pipeline.tokenize import Tokenizer  # noqa: E402
from pipeline.training import data  # noqa: E402
from pipeline.training.networks import Featurizer, Shape, Tagger, build_vocab, export_onnx, tag  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TEXTS = ["وقال الرئيس ماكرون في باريس", "بغداد", "ولواشنطن والأمم المتحدة .", "التقى غوتيريش ميقاتي في بيروت أمس"]


def _sentences(convention: int) -> list[data.Sentence]:
    tokenizer = Tokenizer()
    out = []
    for text in TEXTS:
        tokens = tokenizer.tokenize(text)
        out.append(data.Sentence([t.text for t in tokens], [t.norm for t in tokens], [t.is_clitic for t in tokens],
                                 ["O"] * len(tokens), convention))
    return out


def _tagger(shape: Shape, sentences: list[data.Sentence]) -> tuple[Tagger, Featurizer, FloretVectors]:
    torch.manual_seed(0)
    vectors = FloretVectors(np.random.default_rng(1).normal(size=(101, 3)).astype(np.float32),
                            minn=3, maxn=5, hash_count=2, hash_seed=7)
    vocab = build_vocab(sentences[:2], min_count=1)  # words of the later sentences are unknown
    model = Tagger(vocab, vectors.dim, shape)
    for parameter in model.parameters():
        torch.nn.init.normal_(parameter, std=0.5)
    with torch.no_grad():
        model.char_emb.weight[0] = 0.0  # the padding row, which training never moves
    return model, Featurizer(vocab, vectors), vectors


@pytest.mark.parametrize("heads", [1, 2])
def test_exported_student_reproduces_torch(tmp_path: Path, heads: int) -> None:
    sentences = _sentences(NEWS)
    model, featurizer, vectors = _tagger(Shape(word_dim=6, char_dim=4, char_filters=5, hidden=7, heads=heads),
                                         sentences)
    mixed = sentences[:2] + _sentences(ANERCORP)[2:]
    assert export_onnx(model, featurizer, mixed, tmp_path / "model.onnx") < 1e-4
    (tmp_path / "vocab.json").write_text(json.dumps(featurizer.vocab, ensure_ascii=False), encoding="utf-8")
    vectors.save(tmp_path)
    student = StudentNetwork(tmp_path)
    for convention in (NEWS, ANERCORP):
        given = [data.Sentence(s.words, s.norms, s.clitic, [], convention) for s in sentences]
        expected = tag(model, featurizer, given)
        got = student.tag_with_confidence([(s.words, s.norms, s.clitic) for s in given], convention=convention)
        assert [labels for labels, _ in got] == expected
        assert all(0.0 < p <= 1.0 for _, sure in got for p in sure)
        one_by_one = [student.tag_with_confidence([(s.words, s.norms, s.clitic)], convention=convention)[0][0]
                      for s in given]  # other batch sizes than the exported one
        assert one_by_one == expected
    if heads == 2:  # the two conventions really are two output layers
        news, _ = student.log_probabilities([(s.words, s.norms, s.clitic) for s in sentences], NEWS)
        anercorp, _ = student.log_probabilities([(s.words, s.norms, s.clitic) for s in sentences], ANERCORP)
        assert np.abs(news - anercorp).max() > 1e-3


def _brute_force(model: Tagger, scores: torch.Tensor, length: int) -> tuple[np.ndarray, float]:
    """Marginals and log partition function by summing over every label path."""
    trans, start, end = (t.detach().double().numpy() for t in model._crf())
    s = scores.detach().double().numpy()
    marginals, total = np.zeros((length, len(LABELS))), 0.0
    for path in itertools.product(range(len(LABELS)), repeat=length):
        score = start[path[0]] + end[path[-1]] + sum(s[t, k] for t, k in enumerate(path))
        score += sum(trans[x, y] for x, y in zip(path, path[1:]))
        weight = np.exp(score)
        total += weight
        for t, k in enumerate(path):
            marginals[t, k] += weight
    return marginals / total, float(np.log(total))


def test_teacher_crf_matches_brute_force() -> None:
    """Forward-backward marginals and the likelihood equal sums over every path (invalid ones weigh ~0)."""
    sentences = _sentences(NEWS)
    model, _, _ = _tagger(Shape(word_dim=6, char_dim=4, char_filters=5, hidden=7, crf=True), sentences)
    torch.manual_seed(3)
    scores = torch.randn(2, 3, len(LABELS)) * 2
    lengths = torch.tensor([3, 2])
    got = model.crf_marginals(scores, lengths).detach().double().numpy()
    labels = torch.tensor([[1, 2, 0], [3, 0, 0]])  # B-PER I-PER O ; B-LOC O
    for b in range(2):
        n = int(lengths[b])
        expected, log_z = _brute_force(model, scores[b, :n], n)
        assert np.allclose(got[b, :n], expected, atol=1e-5)
        trans, start, end = model._crf()
        path = labels[b, :n]
        gold = start[path[0]] + end[path[-1]] + scores[b, torch.arange(n), path].sum()
        gold = gold + sum(trans[x, y] for x, y in zip(path[:-1], path[1:]))
        nll = model.crf_nll(scores[b:b + 1, :n], lengths[b:b + 1], labels[b:b + 1, :n])
        assert float(nll) == pytest.approx(log_z - float(gold), abs=1e-3)
    assert not got[1, 2].any()  # past the end of the shorter sentence


def test_mention_replacement_keeps_labels_aligned() -> None:
    names = {"PER": [data.Name(("جان", "دوبوا"), ("جان", "دوبوا"), (False, False))], "LOC": [], "ORG": []}
    sentence = data.Sentence(["قال", "ماكرون", "في", "باريس"], ["قال", "ماكرون", "في", "باريس"],
                             [False] * 4, ["O", "B-PER", "O", "B-LOC"], NEWS)
    out = data.replace_mentions(sentence, names, random.Random(0), rate=1.0)
    assert out.words == ["قال", "جان", "دوبوا", "في", "باريس"]
    assert out.labels == ["O", "B-PER", "I-PER", "O", "B-LOC"]  # no LOC name to swap in: kept
    assert len(out.norms) == len(out.clitic) == len(out.words)
    assert data.replace_mentions(sentence, names, random.Random(0), rate=0.0) == sentence


def test_news_gold_labels_land_on_the_mentions_tokens(tmp_path: Path) -> None:
    """Each gold mention becomes one B-… I-… run over the pipeline's tokens that spell it, its
    proclitic outside ("ولواشنطن": [و][ل] then the place); nested and RES mentions are left out."""
    text = "وقال ميقاتي في بيروت إن ولواشنطن دورا. وصدر القرار 1701 عن مطار بيروت الدولي."
    mentions = [("ميقاتي", "PER"), ("بيروت", "LOC"), ("واشنطن", "LOC"), ("القرار 1701", "RES"),
                ("مطار بيروت الدولي", "LOC")]
    rows, cursor = [], 0
    for surface, label in mentions:
        start = text.index(surface, cursor)
        rows.append({"start": start, "end": start + len(surface), "text": surface, "label": label,
                     "entity": "NIL:x"})
        cursor = start + len(surface)
    nested = text.index("بيروت", text.index("مطار"))  # the place inside the airport's name
    rows.append({"start": nested, "end": nested + 5, "text": "بيروت", "label": "LOC", "entity": "NIL:x"})
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "t:1", "text": text, "mentions": rows}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    sentences = data.news_gold(gold, Tokenizer())
    found = [(" ".join(s.words[a:b]), label) for s in sentences for a, b, label in tag_spans(s.labels)]
    assert found == [("ميقاتي", "PER"), ("بيروت", "LOC"), ("واشنطن", "LOC"), ("مطار بيروت الدولي", "LOC")]
    assert all(s.convention == NEWS for s in sentences)


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "corpora").is_dir(), reason="needs ../shared/corpora")
def test_make_train_runs_end_to_end_on_a_sliver(tmp_path: Path) -> None:
    """teacher -> distill -> card, each on a few sentences and one epoch: a loadable model and a card."""
    from pipeline.ner.model import Model
    from pipeline.training import card, distill, teacher

    corpora, pretrained = SHARED / "corpora", ROOT / "models" / "pretrained"
    teachers, work, out = tmp_path / "teacher", tmp_path / "distill", tmp_path / "ner-ar"
    teacher.main(["--corpora", str(corpora), "--pretrained", str(pretrained), "--out", str(teachers), "--seeds", "0",
                  "--processes", "1", "--set", "limit=12", "--set", "epochs=1",
                  "--set", 'shape={"hidden": 16, "lm_projection": 8, "crf": true}'])
    distill.main(["--corpora", str(corpora), "--pretrained", str(pretrained), "--teachers", str(teachers),
                  "--work", str(work), "--out", str(out), "--seeds", "0", "--processes", "1",
                  "--set", "limit=12", "--set", "epochs=1", "--set", "tokens=300", "--set", "soft_per_epoch=200",
                  "--set", 'shape={"hidden": 16, "crf": false, "heads": 2}'])
    assert json.loads((out / "training.json").read_text(encoding="utf-8"))["export_gap"] < 1e-3
    (out.parent / "ner-ar.experiments.md").write_text("# attempts\n", encoding="utf-8")
    card.write_card(out, teachers, pretrained)
    assert "student" in (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    model = Model(out)
    assert len(model.tag_sentences([["قال", "الرئيس", "ماكرون", "في", "باريس"]])[0]) == 5


def test_half_precision_vector_table_loads_as_float32(tmp_path: Path) -> None:
    table = np.random.default_rng(2).normal(size=(50, 4)).astype(np.float32)
    FloretVectors(table, 3, 5, 2, 7).save(tmp_path, np.float16)
    assert np.load(tmp_path / FloretVectors.TABLE).dtype == np.float16
    loaded = FloretVectors.load(tmp_path)
    assert loaded.table.dtype == np.float32
    assert np.allclose(loaded.table, table, rtol=1e-3, atol=1e-3)
    assert np.allclose(loaded(["سوريا"]), FloretVectors(table, 3, 5, 2, 7)(["سوريا"]), atol=1e-3)


def test_distill_work_folder_is_reused_only_by_the_same_run(tmp_path: Path) -> None:
    from pipeline.training.distill import StudentSettings, _forget_other_runs

    teacher = tmp_path / "teacher-0.pt"
    teacher.write_bytes(b"weights")
    work = tmp_path / "work"
    work.mkdir()
    _forget_other_runs(work, StudentSettings(), [teacher])
    (work / "soft.npz").write_bytes(b"soft")
    (work / "student-0.json").write_text("{}", encoding="utf-8")
    _forget_other_runs(work, StudentSettings(), [teacher])  # resumed: same settings, same teachers
    assert (work / "soft.npz").exists() and (work / "student-0.json").exists()
    _forget_other_runs(work, StudentSettings(epochs=3), [teacher])  # another run
    assert not (work / "soft.npz").exists() and not (work / "student-0.json").exists()
