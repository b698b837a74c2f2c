"""The response catalogs (data/responses/<lang>.yml) and the FAQ knowledge base
(data/knowledge/faq/<lang>.yml), loaded once and checked at start-up."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import yaml

from bot.settings import PROJECT_ROOT

RESPONSES_DIR = PROJECT_ROOT / "data" / "responses"
KNOWLEDGE_DIR = PROJECT_ROOT / "data" / "knowledge" / "faq"
FALLBACK_LANGUAGE = "en"
FAQ_PREFIX = "utter_faq/"


class CatalogError(ValueError):
    """A catalog is missing something the assistant needs: a clear message for the shop."""


@dataclass(frozen=True)
class LanguageCatalog:
    language: str
    locale: str
    responses: Mapping[str, list[Mapping[str, Any]]]
    terms: Mapping[str, Mapping[str, str]]
    faq: Mapping[str, Mapping[str, Any]]

    def term(self, table: str, code: str) -> Optional[str]:
        return (self.terms.get(table) or {}).get(code)

    def faq_answer(self, key: str, market: Optional[str]) -> Optional[str]:
        entry = self.faq.get(key)
        if not entry:
            return None
        markets = entry.get("markets") or {}
        return markets.get((market or "").upper()) or entry.get("default")


def _read_yaml(path: Path) -> Mapping[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise CatalogError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected a mapping at the top level")
    return data


class Catalog:
    def __init__(self, languages: Mapping[str, LanguageCatalog]):
        if FALLBACK_LANGUAGE not in languages:
            raise CatalogError(f"no {FALLBACK_LANGUAGE} catalog: English is every reply's fallback")
        self.languages = dict(languages)

    @classmethod
    def load(cls, responses_dir: Path = RESPONSES_DIR, knowledge_dir: Path = KNOWLEDGE_DIR) -> "Catalog":
        languages = {}
        for path in sorted(responses_dir.glob("*.yml")):
            data = _read_yaml(path)
            language = data.get("language") or path.stem
            faq_path = knowledge_dir / f"{language}.yml"
            faq = _read_yaml(faq_path).get("answers", {}) if faq_path.exists() else {}
            languages[language] = LanguageCatalog(
                language=language,
                locale=data.get("locale") or language,
                responses=data.get("responses") or {},
                terms=data.get("terms") or {},
                faq=faq,
            )
        return cls(languages)

    def get(self, language: Optional[str]) -> Optional[LanguageCatalog]:
        return self.languages.get(language or "")

    @property
    def fallback(self) -> LanguageCatalog:
        return self.languages[FALLBACK_LANGUAGE]

    def check(self, response_names: Iterable[str], faq_keys: Iterable[str]) -> None:
        """Every response the assistant can send exists in English, every FAQ key has an
        English default; otherwise start-up stops with the list of what is missing."""
        missing = [n for n in response_names if n not in self.fallback.responses]
        missing += [f"faq/{k}" for k in faq_keys if not (self.fallback.faq.get(k) or {}).get("default")]
        if missing:
            raise CatalogError(
                "missing from data/responses/en.yml or data/knowledge/faq/en.yml: " + ", ".join(sorted(missing))
            )
