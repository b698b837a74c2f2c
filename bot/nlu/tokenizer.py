"""Rasa tokenizer for one model covering many languages.

Words are split on white space as Rasa's WhitespaceTokenizer does; runs of Chinese
characters (no spaces between words) are then split by jieba, and Japanese kana runs into
single characters, which the character n-gram featurizer turns into useful features.
"""
from __future__ import annotations

import logging
from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.language.scripts import script_of

_CJK = {"han", "hiragana", "katakana"}


def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _split_cjk(word: str) -> List[str]:
    """Splits a word into runs of Han, of kana, and of anything else; Han runs by jieba."""
    runs: List[tuple[str, str]] = []
    for char in word:
        kind = script_of(char)
        kind = kind if kind in _CJK else "other"
        kind = "kana" if kind in ("hiragana", "katakana") else kind
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1] + char)
        else:
            runs.append((kind, char))
    pieces: List[str] = []
    for kind, run in runs:
        if kind == "han":
            pieces.extend(piece for piece in _jieba().lcut(run) if piece.strip())
        elif kind == "kana":
            pieces.extend(run)
        else:
            pieces.append(run)
    return pieces


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class MultilingualTokenizer(WhitespaceTokenizer):
    @staticmethod
    def supported_languages() -> None:
        return None

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        result: List[Token] = []
        for token in tokens:
            if not any(script_of(c) in _CJK for c in token.text):
                result.append(token)
                continue
            offset = token.start
            for piece in _split_cjk(token.text):
                result.append(Token(piece, offset))
                offset += len(piece)
        return result
