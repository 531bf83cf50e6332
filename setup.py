"""Build hook only (metadata lives in pyproject.toml): the wheel carries the shipped resources.

The project keeps its knowledge base, lexicons and model where its layout puts them (``data/``,
``models/`` beside the package). A wheel has no such neighbours, so the build copies them into the
package as ``pipeline/_resources/{data,models}``; :mod:`pipeline.resources` looks there when it is
not running from a checkout. Only what ``mena-ner run`` reads is copied (not the gold corpora,
the sample inputs or the benchmark sample).
"""

import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
MODEL_NAME = re.search(r'^MODEL_NAME = "([^"]+)"', (ROOT / "pipeline" / "resources.py").read_text(), re.M).group(1)
RESOURCES = {  # source folder -> files under it to ship
    "data/gazetteers": ["core/*.csv", "README.md", "core/SOURCES.md", "core/AMBIGUOUS.md"],
    "data/lexicon": ["*.tsv.gz"],
    "models": [f"{MODEL_NAME}/*"],
}


class BuildWithResources(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "pipeline" / "_resources"
        for folder, patterns in RESOURCES.items():
            for pattern in patterns:
                for path in sorted((ROOT / folder).glob(pattern)):
                    if path.is_file():
                        destination = target / path.relative_to(ROOT)
                        destination.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(path, destination)


setup(cmdclass={"build_py": BuildWithResources})
