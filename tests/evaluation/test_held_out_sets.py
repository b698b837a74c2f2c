"""The held-out sets `make eval` scores: large enough, and really never trained on."""
from collections import Counter

import pytest
import yaml

from bot.evaluate import DETECTION_SET, NATIVE_LANGUAGES, load_test_sets

MIN_UNSEEN_PER_LABEL = 15


@pytest.fixture(scope="module")
def held_out():
    return load_test_sets()


@pytest.mark.parametrize("language", NATIVE_LANGUAGES)
def test_every_label_has_enough_unseen_messages(held_out, language):
    counts = Counter(label for _, label in held_out[language])
    short = {label: n for label, n in counts.items() if n < MIN_UNSEEN_PER_LABEL}
    assert not short, f"{language}: labels with fewer than {MIN_UNSEEN_PER_LABEL} unseen messages: {short}"
    assert len(counts) >= 18


def test_detection_set_has_short_messages_in_every_language():
    data = yaml.safe_load(DETECTION_SET.read_text(encoding="utf-8"))
    assert set(data) == set(NATIVE_LANGUAGES)
    for language, messages in data.items():
        assert len(set(messages)) >= 50, language
        if language not in ("ja", "zh"):
            assert max(len(m.split()) for m in messages) <= 4, language
