"""Rasa tokenizer for one model covering many languages.

Words are split on white space as Rasa's WhitespaceTokenizer does. Chinese and Japanese
have no spaces between words: a message with kana is Japanese and its CJK runs are split by
janome (a Japanese morphological analyser with its dictionary bundled); other runs of Chinese
characters are split by jieba.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.language.scripts import script_of

_CJK = {"han", "hiragana", "katakana"}
_KANA = {"hiragana", "katakana"}


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=1)
def _janome():
    from janome.tokenizer import Tokenizer

    return Tokenizer(wakati=True)


def _split_chinese(word: str) -> List[str]:
    """Runs of Han characters by jieba; anything else in the word stays one piece."""
    runs: List[tuple[bool, str]] = []
    for char in word:
        han = script_of(char) in _CJK
        if runs and runs[-1][0] == han:
            runs[-1] = (han, runs[-1][1] + char)
        else:
            runs.append((han, char))
    pieces: List[str] = []
    for han, run in runs:
        pieces.extend(p for p in _jieba().lcut(run) if p.strip()) if han else pieces.append(run)
    return pieces


def _split_japanese(word: str) -> List[str]:
    return [piece for piece in _janome().tokenize(word) if piece.strip()]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class MultilingualTokenizer(WhitespaceTokenizer):
    @staticmethod
    def supported_languages() -> None:
        return None

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        text = message.get(attribute) or ""
        split = _split_japanese if any(script_of(c) in _KANA for c in text) else _split_chinese
        result: List[Token] = []
        for token in tokens:
            if not any(script_of(c) in _CJK for c in token.text):
                result.append(token)
                continue
            offset = token.start
            for piece in split(token.text):
                # Pieces are found in order; locate each so offsets stay exact.
                start = token.text.find(piece, offset - token.start)
                start = token.start + (start if start >= 0 else offset - token.start)
                result.append(Token(piece, start))
                offset = start + len(piece)
        return result
