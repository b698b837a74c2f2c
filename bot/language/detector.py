"""Language detection for short chat messages.

langdetect alone is unreliable below a few words, so three signals are combined:
1. the script (kana means Japanese, Hangul Korean, Arabic letters Arabic, ...);
2. what the assistant learnt from its own training data: the words and character
   trigrams of each native language;
3. langdetect's probabilities (seeded, so the same text always gives the same answer),
   which also name languages the assistant was not trained on.
A message with no letters, or whose signals disagree, is reported as not confident, so
the conversation keeps its language (see bot.language.conversation).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional

from bot.language.scripts import script_counts, script_of

# Scripts that name one native language on their own. Han alone is Chinese unless kana
# appears; Cyrillic is Russian among the native languages.
_SCRIPT_LANGUAGE = {
    "hiragana": "ja",
    "katakana": "ja",
    "hangul": "ko",
    "arabic": "ar",
    "cyrillic": "ru",
    "greek": "el",
    "hebrew": "he",
    "thai": "th",
    "devanagari": "hi",
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NOISE = re.compile(r"\S+@\S+|https?://\S+|#?\d[\d\s\-+().]*", re.UNICODE)

# Calibrated on one-word messages: "hello" and "gracias" pass, "ok" and "no" do not.
CONFIDENT_PROBABILITY = 0.7
CONFIDENT_MARGIN = 0.4
MIN_LETTERS = 2  # in alphabetic scripts; one Chinese character is already a word
JAPANESE_KANJI_ONLY = 0.95


@dataclass(frozen=True)
class Detection:
    code: Optional[str]  # ISO 639-1, or None when the text has no language in it
    confidence: float
    confident: bool
    method: str  # which signal decided: script, model, langdetect, locale, none
    scores: Mapping[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "confidence": round(self.confidence, 4),
            "confident": self.confident,
            "method": self.method,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
        }


def letters_of(text: str) -> str:
    """The text without digits, e-mails, URLs, punctuation and emoji, lower-cased."""
    text = unicodedata.normalize("NFKC", text)
    text = _NOISE.sub(" ", text)
    return " ".join(_WORD.findall(text.lower()))


def _trigrams(word: str) -> Iterable[str]:
    padded = f" {word} "
    return (padded[i : i + 3] for i in range(len(padded) - 2))


@dataclass
class _Profile:
    words: Counter
    trigrams: Counter

    @property
    def trigram_total(self) -> int:
        return sum(self.trigrams.values())


class LanguageDetector:
    """Detects a message's language; trained on the assistant's own NLU examples."""

    def __init__(self, profiles: Mapping[str, _Profile]):
        self._profiles = dict(profiles)
        self._latin_languages = sorted(
            lang for lang, profile in self._profiles.items() if _is_latin_profile(profile)
        )
        self._trigram_vocabulary = len(
            set().union(*(p.trigrams.keys() for p in self._profiles.values()))
        ) or 1
        self._langdetect = _seeded_langdetect()
        self._han_characters = {
            lang: Counter(c for word, n in p.words.items() for c in word * n if script_of(c) == "han")
            for lang, p in self._profiles.items()
        }
        self._all_han = set().union(*self._han_characters.values()) if self._han_characters else set()

    # -- training and persistence -------------------------------------------------------
    @classmethod
    def train(cls, texts_by_language: Mapping[str, Iterable[str]]) -> "LanguageDetector":
        profiles = {}
        for language, texts in texts_by_language.items():
            words: Counter = Counter()
            trigrams: Counter = Counter()
            for text in texts:
                for word in letters_of(text).split():
                    words[word] += 1
                    trigrams.update(_trigrams(word))
            profiles[language] = _Profile(words, trigrams)
        return cls(profiles)

    def to_dict(self) -> dict:
        return {
            lang: {"words": dict(p.words), "trigrams": dict(p.trigrams)}
            for lang, p in self._profiles.items()
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Mapping[str, int]]]) -> "LanguageDetector":
        return cls(
            {
                lang: _Profile(Counter(p["words"]), Counter(p["trigrams"]))
                for lang, p in data.items()
            }
        )

    @property
    def languages(self) -> list[str]:
        return sorted(self._profiles)

    # -- detection ----------------------------------------------------------------------
    def detect(self, text: str, locale: Optional[str] = None) -> Detection:
        letters = letters_of(text or "")
        compact = letters.replace(" ", "")
        if not compact or (len(compact) < MIN_LETTERS and script_of(compact) != "han"):
            return Detection(None, 0.0, False, "none")

        by_script = self._detect_by_script(letters)
        if by_script is not None:
            return by_script

        scores = self._latin_scores(letters, locale)
        if not scores:
            return Detection(None, 0.0, False, "none")
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        (best, p_best), p_second = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0.0)

        foreign = self._foreign_language(letters)
        if foreign is not None:
            return foreign

        confident = p_best >= CONFIDENT_PROBABILITY and p_best - p_second >= CONFIDENT_MARGIN
        return Detection(best, p_best, confident, "model", dict(ranked[:3]))

    def _detect_by_script(self, letters: str) -> Optional[Detection]:
        counts = script_counts(letters)
        if not counts:
            return None
        if counts.get("hiragana") or counts.get("katakana"):
            return Detection("ja", 0.99, True, "script")
        if counts.get("han"):
            return self._chinese_or_japanese(letters, counts["han"])
        for script, language in _SCRIPT_LANGUAGE.items():
            if counts.get(script, 0) > counts.get("latin", 0):
                return Detection(language, 0.95, True, "script")
        return None

    def _chinese_or_japanese(self, letters: str, han_count: int) -> Detection:
        """Kanji-only text: Japanese writes 確認 and 状況 where Chinese writes 确认 and 状况,
        so the characters each language's training data uses decide."""
        scores = {}
        for language in ("zh", "ja"):
            chars = self._han_characters.get(language)
            if chars:
                total = sum(chars.values()) + len(self._all_han) + 1
                scores[language] = sum(math.log((chars.get(c, 0) + 1) / total) for c in letters if not c.isspace())
        if len(scores) < 2:
            confidence = 0.97 if han_count >= 2 else 0.7
            return Detection("zh", confidence, confidence >= CONFIDENT_PROBABILITY, "script")
        probabilities = _normalise(scores, log=True)
        # Japanese shoppers mostly write kana too, so kanji-only text is Chinese unless its
        # characters are clearly Japanese ones; in between, it is not confident either way.
        if probabilities["ja"] >= JAPANESE_KANJI_ONLY:
            return Detection("ja", probabilities["ja"], True, "script+model", probabilities)
        confident = probabilities["ja"] < 0.8
        return Detection("zh", probabilities["zh"], confident, "script+model", probabilities)

    def _latin_scores(self, letters: str, locale: Optional[str]) -> dict[str, float]:
        languages = self._latin_languages
        if not languages:
            return {}
        words = letters.split()
        model = _normalise({lang: self._log_likelihood(lang, words) for lang in languages}, log=True)
        vocabulary = self._vocabulary_scores(words, languages)
        detected = self._langdetect_scores(letters, languages)
        combined = {
            lang: 0.45 * model[lang] + 0.35 * vocabulary[lang] + 0.20 * detected.get(lang, 0.0)
            for lang in languages
        }
        hinted = _locale_language(locale)
        if hinted in combined:
            # The channel's locale breaks near-ties; it never outweighs the text itself.
            combined[hinted] += 0.15
        return _normalise(combined)

    def _log_likelihood(self, language: str, words: list[str]) -> float:
        profile = self._profiles[language]
        total = profile.trigram_total + self._trigram_vocabulary
        return sum(
            math.log((profile.trigrams.get(gram, 0) + 1) / total)
            for word in words
            for gram in _trigrams(word)
        )

    def _vocabulary_scores(self, words: list[str], languages: list[str]) -> dict[str, float]:
        scores = dict.fromkeys(languages, 0.0)
        for word in words:
            known = [lang for lang in languages if word in self._profiles[lang].words]
            for lang in known:
                # A word of one language only counts fully; one shared by several, a little.
                scores[lang] += 1.0 / len(known) ** 2
        if not any(scores.values()):
            return dict.fromkeys(languages, 1.0 / len(languages))
        return _normalise(scores)

    def _langdetect_scores(self, letters: str, languages: list[str]) -> dict[str, float]:
        probabilities = self._langdetect_probabilities(letters)
        restricted = {lang: probabilities.get(lang, 0.0) for lang in languages}
        return _normalise(restricted) if any(restricted.values()) else {}

    def _langdetect_probabilities(self, letters: str) -> dict[str, float]:
        if self._langdetect is None:
            return {}
        try:
            return {item.lang.split("-")[0]: item.prob for item in self._langdetect(letters)}
        except Exception:  # langdetect raises on text without features
            return {}

    def _foreign_language(self, letters: str) -> Optional[Detection]:
        """A Latin-script language the assistant was not trained on (Turkish, Polish...)."""
        words = letters.split()
        # Two words are too few to tell Danish from German or Hungarian from Spanish.
        if len(words) < 3 or any(w in p.words for w in words for p in self._profiles.values()):
            return None
        probabilities = self._langdetect_probabilities(letters)
        if not probabilities:
            return None
        language, probability = max(probabilities.items(), key=lambda item: item[1])
        if language in self._profiles or probability < 0.95:
            return None
        return Detection(language, probability, True, "langdetect", {language: probability})


def _is_latin_profile(profile: _Profile) -> bool:
    letters = "".join(profile.words)
    counts = script_counts(letters)
    return bool(counts) and counts.most_common(1)[0][0] == "latin"


def _locale_language(locale: Optional[str]) -> Optional[str]:
    if not locale or not isinstance(locale, str):
        return None
    return locale.replace("_", "-").split("-")[0].lower() or None


def _normalise(scores: Mapping[str, float], log: bool = False) -> dict[str, float]:
    if log:
        top = max(scores.values())
        scores = {k: math.exp(v - top) for k, v in scores.items()}
    total = sum(scores.values())
    if total <= 0:
        return {k: 0.0 for k in scores}
    return {k: v / total for k, v in scores.items()}


def _seeded_langdetect():
    """langdetect's detect_langs, seeded for deterministic answers; None if not installed."""
    try:
        from langdetect import DetectorFactory, detect_langs
    except ImportError:  # pragma: no cover - langdetect is a pinned dependency
        return None
    DetectorFactory.seed = 0
    return detect_langs
