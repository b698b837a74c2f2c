"""The trained model that matches the training data, trained only when none does.

The model's file name is a fingerprint of everything training reads, so `make run` on
unchanged data starts at once, and a changed data file always gets a fresh model.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Optional

from bot.settings import PROJECT_ROOT

TRAINING_INPUTS = ("config.yml", "domain.yml", "data/nlu", "data/stories", "data/rules")
# Code that shapes the model: the custom NLU components.
CODE_INPUTS = ("bot/nlu", "bot/language")
MODELS_DIR = PROJECT_ROOT / "models"


def _files(root: Path, entries: tuple[str, ...], suffixes: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for entry in entries:
        path = root / entry
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and p.suffix in suffixes)
    return sorted(files)


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    import rasa

    digest = hashlib.sha256(f"rasa {rasa.__version__}".encode())
    for path in _files(root, TRAINING_INPUTS, (".yml", ".yaml")) + _files(root, CODE_INPUTS, (".py",)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(root: Path = PROJECT_ROOT) -> Path:
    return MODELS_DIR / f"model-{fingerprint(root)}.tar.gz"


def current_model() -> Optional[Path]:
    path = model_path()
    return path if path.exists() else None


def ensure_model() -> Path:
    path = model_path()
    if path.exists():
        print(f"Model is up to date: {path.relative_to(PROJECT_ROOT)}", flush=True)
        return path
    print("Training the model (a few minutes on 2 cores; progress follows)...", flush=True)
    MODELS_DIR.mkdir(exist_ok=True)
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", "config.yml",
        "--domain", "domain.yml",
        "--data", "data/nlu", "data/stories", "data/rules",
        "--out", str(MODELS_DIR),
        "--fixed-model-name", path.name.removesuffix(".tar.gz"),
    ]
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, env=rasa_environment())
    for old in MODELS_DIR.glob("model-*.tar.gz"):
        if old != path:
            old.unlink()
    return path


def rasa_environment() -> dict:
    """Environment for Rasa's own processes: no telemetry calls, quiet TensorFlow."""
    import os

    from bot.settings import get_settings

    env = dict(os.environ)
    env.update(get_settings().child_environment())
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    return env
