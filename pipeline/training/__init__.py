"""Training the NER model (the ``[train]`` extra: PyTorch, floret): nothing here runs in ``mena-ner run``.

- :mod:`.news` — the unlabeled news text every step learns from (licensed part only, reserved
  and gold articles left out) and the floret vectors built on it;
- :mod:`.pretrain` — ``make pretrain``: a bidirectional word language model on that text;
- :mod:`pipeline.training.teacher`, :mod:`pipeline.training.distill`, :mod:`pipeline.training.card` — ``make train``: the NER model.
"""
