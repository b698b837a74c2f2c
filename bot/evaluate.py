"""`make eval`: how well the assistant understands each language, on data it never trained on.

1. Intent classification on the held-out sets tests/nlu/<lang>.yml (written separately from
   the training data): accuracy and macro-F1 per language. FAQ questions count as their full
   retrieval intent (faq/delivery_time...), and a low-confidence fallback counts as a miss.
2. Language detection on 1–4-word chat messages (tests/language_detection/short_messages.yml):
   the assistant's detector beside plain langdetect and lingua restricted to the ten native
   languages, on the same messages.
The figures are printed as tables and kept in var/eval/results.json.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable, Optional

import yaml

from bot.settings import PROJECT_ROOT, Settings

NATIVE_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ru", "ar", "ja", "zh")
NLU_TEST_DIR = PROJECT_ROOT / "tests" / "nlu"
DETECTION_SET = PROJECT_ROOT / "tests" / "language_detection" / "short_messages.yml"


# -- intent classification ---------------------------------------------------------------
def normalise_text(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def training_texts() -> set[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return {normalise_text(m.get("text")) for m in load_data(str(PROJECT_ROOT / "data" / "nlu")).training_examples}


def load_test_sets() -> dict[str, list[tuple[str, str]]]:
    """The held-out messages, less any that also occur in the training data ("hola" is
    likely to be in both): only messages the model never saw are scored."""
    from rasa.shared.nlu.training_data.loading import load_data

    seen = training_texts()
    sets = {}
    for path in sorted(NLU_TEST_DIR.glob("*.yml")):
        data = load_data(str(path))
        sets[path.stem] = [
            (m.get("text"), m.get("intent_response_key") or m.get("intent"))
            for m in data.training_examples
            if normalise_text(m.get("text")) not in seen
        ]
    return sets


def predicted_label(parse: dict) -> str:
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent == "faq":
        selected = (parse.get("response_selector") or {}).get("faq") or {}
        return (selected.get("response") or {}).get("intent_response_key") or "faq"
    return intent


async def _parse_all(model: Path, sets: dict[str, list[tuple[str, str]]]) -> dict[str, list[str]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    predictions: dict[str, list[str]] = {}
    for language, examples in sets.items():
        predictions[language] = [predicted_label(await agent.parse_message(text)) for text, _ in examples]
    return predictions


def intent_scores(gold: list[str], predicted: list[str]) -> dict[str, float]:
    from sklearn.metrics import f1_score

    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold)
    macro_f1 = f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0)
    return {"messages": len(gold), "accuracy": accuracy, "macro_f1": float(macro_f1)}


# -- language detection ------------------------------------------------------------------
def load_detection_set() -> dict[str, list[str]]:
    data = yaml.safe_load(DETECTION_SET.read_text(encoding="utf-8")) if DETECTION_SET.exists() else {}
    return {lang: [str(m) for m in messages] for lang, messages in (data or {}).items()}


def assistant_detector() -> Callable[[str], Optional[str]]:
    from bot.language.detector import LanguageDetector
    from bot.nlu.language_detector import texts_by_language

    detector = LanguageDetector.train(texts_by_language(PROJECT_ROOT / "data" / "nlu"))
    return lambda text: detector.detect(text).code


def langdetect_detector() -> Callable[[str], Optional[str]]:
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0

    def run(text: str) -> Optional[str]:
        try:
            return detect(text).split("-")[0]
        except Exception:  # no features in the text
            return None

    return run


def lingua_detector() -> Optional[Callable[[str], Optional[str]]]:
    try:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
    except ImportError:
        return None
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in NATIVE_LANGUAGES]
    detector = LanguageDetectorBuilder.from_languages(*languages).build()

    def run(text: str) -> Optional[str]:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else None

    return run


def detection_scores(messages: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    detectors = {"assistant": assistant_detector(), "langdetect": langdetect_detector()}
    lingua = lingua_detector()
    if lingua is not None:
        detectors["lingua"] = lingua
    scores: dict[str, dict[str, float]] = defaultdict(dict)
    for name, detect in detectors.items():
        correct_total = count_total = 0
        for language, texts in messages.items():
            correct = sum(detect(text) == language for text in texts)
            scores[language][name] = correct / len(texts) if texts else 0.0
            correct_total += correct
            count_total += len(texts)
        scores["overall"][name] = correct_total / count_total if count_total else 0.0
    for language, texts in messages.items():
        scores[language]["messages"] = len(texts)
    scores["overall"]["messages"] = sum(len(t) for t in messages.values())
    return dict(scores)


# -- report ------------------------------------------------------------------------------
def _pct(value: float) -> str:
    return f"{100 * value:5.1f}%"


def print_report(intents: dict, detection: dict, training_seconds: Optional[float]) -> None:
    print("\nIntent classification on held-out messages (tests/nlu/<lang>.yml)")
    print(f"{'lang':<6}{'messages':>9}{'accuracy':>10}{'macro-F1':>10}")
    for language, row in intents.items():
        print(f"{language:<6}{row['messages']:>9}{_pct(row['accuracy']):>10}{_pct(row['macro_f1']):>10}")
    if detection:
        names = [n for n in ("assistant", "langdetect", "lingua") if n in detection.get("overall", {})]
        print("\nLanguage detection on 1-4-word messages (tests/language_detection/short_messages.yml)")
        print(f"{'lang':<9}{'messages':>9}" + "".join(f"{n:>12}" for n in names))
        for language, row in detection.items():
            print(f"{language:<9}{int(row['messages']):>9}" + "".join(f"{_pct(row[n]):>12}" for n in names))
    if training_seconds is not None:
        print(f"\nModel trained in {training_seconds / 60:.1f} min")


def main(settings: Settings) -> int:
    from bot.model import current_model, ensure_model

    had_model = current_model() is not None
    started = time.monotonic()
    model = ensure_model()
    training_seconds = None if had_model else time.monotonic() - started
    sets = load_test_sets()
    predictions = asyncio.run(_parse_all(model, sets))
    intents = {language: intent_scores([g for _, g in sets[language]], predictions[language]) for language in sets}
    detection = detection_scores(load_detection_set())
    print_report(intents, detection, training_seconds)
    out = settings.var_dir / "eval"
    out.mkdir(parents=True, exist_ok=True)
    errors = {
        language: [
            {"text": text, "expected": gold, "predicted": predicted}
            for (text, gold), predicted in zip(sets[language], predictions[language])
            if gold != predicted
        ]
        for language in sets
    }
    (out / "results.json").write_text(
        json.dumps({"intents": intents, "detection": detection, "training_seconds": training_seconds}, indent=2)
    )
    (out / "errors.json").write_text(json.dumps(errors, indent=2, ensure_ascii=False))
    print(f"\nDetails: {out / 'results.json'}, misclassified messages: {out / 'errors.json'}")
    return 0
