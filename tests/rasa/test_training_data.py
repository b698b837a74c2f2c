"""Rasa's own checks: the training data validates, and the end-to-end test stories in every
language pass with the trained model (NLU intents and entities, and every predicted action)."""
import subprocess
import sys

from bot.evaluate import NATIVE_LANGUAGES
from bot.model import rasa_environment
from bot.settings import PROJECT_ROOT


def rasa(*args: str, cwd=PROJECT_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args],
        cwd=cwd,
        env=rasa_environment(),
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_training_data_validates():
    result = rasa("data", "validate", "--domain", "domain.yml", "--data", "data/nlu", "data/stories", "data/rules")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "No story structure conflicts found" in result.stdout + result.stderr


def test_end_to_end_stories_pass_in_every_language(trained_model, tmp_path):
    stories = sorted((PROJECT_ROOT / "tests" / "stories").glob("test_*.yml"))
    assert {p.stem for p in stories} >= {f"test_{lang}" for lang in NATIVE_LANGUAGES}
    result = rasa(
        "test", "core",
        "--model", str(trained_model),
        "--stories", "tests/stories",
        "--out", str(tmp_path),
        "--fail-on-prediction-errors",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    failed = (tmp_path / "failed_test_stories.yml").read_text()
    assert "story:" not in failed, failed
