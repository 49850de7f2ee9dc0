#!/usr/bin/env python3
"""Rebuild data/popular_pypi_packages.json, offline, from three committed or shared sources.

1. data/top_pypi_30_days_2022-01-01.txt: the first 330 rows of hugovk/top-pypi-packages
   `top-pypi-packages-30-days.min.json` (commit and date in TOP_PYPI below), one name per line.
2. Every PyPI name declared by at least MIN_REPOSITORIES distinct repositories of the shared
   dependency-file corpus (../shared/corpus relative to the repository, or the path given as the
   first argument). Declarations only: requirements files, pyproject.toml dependency tables,
   Pipfile package tables and the `pip:` part of conda environment files. Lock files are left out:
   they record what a resolver picked, transitive packages included, not what a project chose.
3. CURATED: core ML names that must be on the list whatever the other two say.

Names are PEP 503-normalised, sorted and unique. Usage:

    python3 data/build_popular_pypi_packages.py [CORPUS_DIR]
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "popular_pypi_packages.json"
TOP_ROWS = HERE / "top_pypi_30_days_2022-01-01.txt"
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"
MIN_REPOSITORIES = 3

TOP_PYPI = {
    "repository": "https://github.com/hugovk/top-pypi-packages",
    "file": "top-pypi-packages-30-days.min.json",
    "commit": "031e8b2d6cfd242623aa69a8283ea0952f4fe38b",
    "last_update": "2022-01-01 09:13:14",
    "rows": "1-330 (by 30-day download count)",
    "input": "data/top_pypi_30_days_2022-01-01.txt",
}

CURATED = """
torch torchvision torchaudio tensorflow keras jax jaxlib flax transformers tokenizers datasets
accelerate diffusers safetensors huggingface-hub sentence-transformers peft trl bitsandbytes vllm
xformers onnx onnxruntime scikit-learn scipy numpy pandas polars xgboost lightgbm catboost mlflow
wandb ray langchain openai anthropic tiktoken spacy nltk gensim opencv-python pillow matplotlib
seaborn plotly streamlit gradio fastapi pydantic jupyter notebook ipykernel pytorch-lightning
lightning django timm einops optuna dvc
""".split()

NAME = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def normalise(name: str) -> str:
    """PEP 503: lower-case, runs of -, _ and . become one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(text: str) -> str | None:
    """The project name at the start of a PEP 508 string, or None for options, paths and URLs."""
    text = text.strip()
    if not text or text.startswith(("-", ".", "/", "#")) or "://" in text.split(" ")[0]:
        return None
    match = NAME.match(text)
    return normalise(match.group(1)) if match else None


def names_in_requirements(text: str) -> set[str]:
    names = set()
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line.startswith("-e ") or line.startswith("--editable"):
            egg = re.search(r"#egg=([A-Za-z0-9._-]+)", line)
            if egg:
                names.add(normalise(egg.group(1)))
            continue
        name = requirement_name(line)
        if name:
            names.add(name)
    return names


def names_in_pyproject(data: dict) -> set[str]:
    strings: list[str] = []
    project = data.get("project", {})
    strings += project.get("dependencies", [])
    for group in project.get("optional-dependencies", {}).values():
        strings += group
    for group in data.get("dependency-groups", {}).values():
        strings += [item for item in group if isinstance(item, str)]
    strings += data.get("build-system", {}).get("requires", [])
    tool = data.get("tool", {})
    strings += tool.get("uv", {}).get("dev-dependencies", [])
    for group in tool.get("pdm", {}).get("dev-dependencies", {}).values():
        strings += group
    names = {n for n in map(requirement_name, strings) if n}
    poetry = tool.get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [g.get("dependencies", {}) for g in poetry.get("group", {}).values()]
    for table in tables:
        names |= {normalise(key) for key in table if key.lower() != "python"}
    return names


def names_in_pipfile(data: dict) -> set[str]:
    return {normalise(k) for t in ("packages", "dev-packages") for k in data.get(t, {})}


def names_in_conda_environment(text: str) -> set[str]:
    """The `- pip:` sub-list of a conda environment file (its other entries are conda names)."""
    names, pip_indent = set(), None
    for line in text.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if re.match(r"^-\s*pip\s*:\s*$", stripped):
            pip_indent = indent
            continue
        if pip_indent is None:
            continue
        if stripped and indent <= pip_indent:
            pip_indent = None
            continue
        if stripped.startswith("- "):
            name = requirement_name(stripped[2:].strip().strip("'\""))
            if name:
                names.add(name)
    return names


def declared_names(path: Path, file_format: str) -> set[str]:
    text = path.read_text(encoding="utf-8")
    if file_format == "requirements.txt":
        return names_in_requirements(text)
    if file_format == "pyproject.toml":
        return names_in_pyproject(tomllib.loads(text))
    if file_format == "Pipfile":
        return names_in_pipfile(tomllib.loads(text))
    if file_format == "environment.yml":
        return names_in_conda_environment(text)
    return set()


def corpus_names(corpus: Path) -> tuple[dict[str, set[str]], int]:
    """Each declared name with the repositories declaring it; and how many repositories there are."""
    repositories_by_name: dict[str, set[str]] = defaultdict(set)
    rows = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    repositories = set()
    for row in rows:
        file, file_format, repository = row.split("\t")[:3]
        repositories.add(repository)
        for name in declared_names(corpus / file, file_format):
            repositories_by_name[name].add(repository)
    return repositories_by_name, len(repositories)


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    top = [normalise(line) for line in TOP_ROWS.read_text().split() if line]
    by_name, repository_count = corpus_names(corpus)
    shared = sorted(n for n, repos in by_name.items() if len(repos) >= MIN_REPOSITORIES)
    curated = sorted(set(map(normalise, CURATED)))
    packages = sorted(set(top) | set(shared) | set(curated))
    document = {
        "provenance": {
            "description": "Popular PyPI packages used in ML and data work, for "
            "source.lookalike-packages. PEP 503-normalised, sorted, unique. Rebuild with "
            "`python3 data/build_popular_pypi_packages.py`; see data/README.md.",
            "sources": [
                {"name": "top-pypi-packages", **TOP_PYPI, "count": len(set(top))},
                {
                    "name": "tollgate-corpus",
                    "description": f"PyPI names declared (not locked) by at least "
                    f"{MIN_REPOSITORIES} distinct repositories of the shared corpus",
                    "corpus": "shared/corpus (MANIFEST.tsv)",
                    "repositories": repository_count,
                    "count": len(shared),
                },
                {
                    "name": "curated",
                    "description": "Core ML names that must be on the list",
                    "count": len(curated),
                },
            ],
            "count": len(packages),
        },
        "packages": packages,
    }
    OUTPUT.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    only_corpus = sorted(set(shared) - set(top) - set(curated))
    only_curated = sorted(set(curated) - set(top) - set(shared))
    print(f"{len(packages)} names; corpus adds {len(only_corpus)}, curated adds {len(only_curated)}")


if __name__ == "__main__":
    main()
