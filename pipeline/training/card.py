"""``MODEL_CARD.md`` of the shipped NER model, from the records the training steps leave.

Reads ``pretrain.json`` (the pretrained folder), ``teacher.json`` (copied from the teachers' work
folder into the model folder, so the card's numbers ship with the model), ``training.json`` (the
student run) and the hand-kept ``<model>.experiments.md`` beside the model folder (every attempt,
with mean ± sd over seeds, and the test figures read once per shipped model).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path


def _seed_lines(members: list[dict], kind: str) -> list[str]:
    lines = []
    for m in members:
        history = ", ".join(f"{h['epoch']}: {h['anercorp_dev']}/{h['news_dev']}" for h in m["history"])
        lines.append(f"- {kind} seed {m['seed']}: best epoch {m['epoch']} — ANERcorp dev {m['anercorp_dev']}, "
                     f"news dev {m['news_dev']} ({m['seconds']} s; per epoch ANERcorp/news dev: {history})")
    return lines


def write_card(model: Path, teachers: Path, pretrained: Path) -> Path:
    if (teachers / "teacher.json").exists():
        shutil.copyfile(teachers / "teacher.json", model / "teacher.json")
    teacher = json.loads((model / "teacher.json").read_text(encoding="utf-8"))
    student = json.loads((model / "training.json").read_text(encoding="utf-8"))
    pretrain = json.loads((pretrained / "pretrain.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in model.iterdir() if p.is_file()) / 1e6
    lm, fig = pretrain["settings"], pretrain["figures"]
    ts, ss = teacher["settings"], student["settings"]
    sections = [
        f"# {model.name}: Arabic NER (PER, LOC, ORG, MISC), a student distilled from BiLSTM-CRF teachers\n",
        "Written by `python -m pipeline.training.card` (the last step of `make train`) from the runs' records; "
        f"the table of attempts comes from `{model.name}.experiments.md`.\n",
        "## What ships\n",
        f"`model.onnx` (the student network, run by ONNX Runtime), `vocab.json`, `vectors.npy` + `vectors.json` "
        f"(floret table, float16), `never_alone.txt` (words the NER stage never takes as a one-word model "
        f"mention: `pipeline.training.lone_words`): {size:.1f} MB. Per model token (the pipeline's own tokens: proclitics split, folded "
        "forms): a word embedding, a character CNN, the frozen floret vector, a proclitic flag and the annotation "
        f"convention (0 ANERcorp's, 1 ours) -> one BiLSTM layer (2 x {ss['shape'].get('hidden')}) -> label "
        "log-probabilities -> Viterbi with invalid IOB2 moves forbidden. No torch at run time.\n",
        "## How it was made\n",
        f"1. `make pretrain` ({fig['seconds']} s on 2 cores): floret vectors (cbow, dim {lm['vectors_dim']}, "
        f"{lm['vectors_bucket']} buckets, n-grams 3-5) and a bidirectional word language model (LSTM "
        f"{lm['hidden']} per direction, adaptive softmax over {lm['targets']} words, {lm['epochs']} epochs) on "
        f"{fig['tokens']:,} tokens of learnable ANT news (records reserved for evaluation and news gold articles "
        f"left out). Held-out perplexity per epoch: forward {fig['fwd']['perplexities']}, backward "
        f"{fig['bwd']['perplexities']}.",
        f"2. Teachers: BiLSTM-CRF (2 x {ts['shape'].get('hidden')}) over [word, characters, floret, flags, the "
        f"language model's states projected to {ts['shape'].get('lm_projection')}], trained on ANERcorp train "
        "(minus its dev articles) and the news gold train split, mention replacement from knowledge-base names "
        f"(rate {ts['augment_rate']}), {ts['epochs']} epochs, the epoch with the best mean of the two dev scores "
        f"kept. Seeds {[m['seed'] for m in teacher['members']]}: ANERcorp dev {teacher['mean']['anercorp_dev']} "
        f"± {teacher['sd']['anercorp_dev']}, news dev {teacher['mean']['news_dev']} ± {teacher['sd']['news_dev']} "
        "(micro-F1 over model tokens, exact span and type).",
        f"3. Students: trained on {ss['tokens']:,} tokens of unlabeled learnable news with the teachers' averaged "
        f"CRF marginals as soft targets ({ss['soft_per_epoch']:,} tokens per epoch) and on the gold sentences "
        f"(mention replacement), {ss['epochs']} epochs. Seeds {[m['seed'] for m in student['students']]}: "
        f"ANERcorp dev {student['mean']['anercorp_dev']} ± {student['sd']['anercorp_dev']}, news dev "
        f"{student['mean']['news_dev']} ± {student['sd']['news_dev']}. Seed {student['shipped_seed']} (best on "
        f"dev) ships; ONNX Runtime and torch agree to {student['export_gap']:.1e}. Times of the whole run: "
        "in the attempts below.\n",
        "## Every member\n",
        *_seed_lines(teacher["members"], "teacher"),
        *_seed_lines(student["students"], "student"),
        "",
        "## Settings\n",
        "```json\n" + json.dumps({"pretrain": lm, "teacher": ts, "student": ss}, indent=1) + "\n```\n",
        "## Data and licences\n",
        "- ANERcorp (CAMeL Lab train split; the test split is never read by training). Its licence is not stated "
        "by the corpus release (\"freely available for research purposes\" per third parties): confirm before "
        "redistributing the weights beyond research use.",
        "- The news gold corpus train split (`data/news_gold/`; ANT texts, Apache-2.0 with the ANT citation "
        "licence; cite Chouigui et al. 2017).",
        "- Unlabeled text, vectors and language model: the ANT part of `news_unlabeled` only (never SaudiNewsNet, "
        "never a record of `RESERVED.txt`, never a news gold article).\n",
    ]
    experiments = model.parent / f"{model.name}.experiments.md"
    if experiments.exists():
        sections.append(experiments.read_text(encoding="utf-8"))
    card = model / "MODEL_CARD.md"
    card.write_text("\n".join(sections), encoding="utf-8")
    return card


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--teachers", type=Path, default=Path(".cache/teacher"))
    parser.add_argument("--pretrained", type=Path, default=Path("models/pretrained"))
    args = parser.parse_args(argv)
    print(write_card(args.model, args.teachers, args.pretrained))


if __name__ == "__main__":
    main()
