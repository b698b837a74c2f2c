from rasa.shared.nlu.training_data.message import Message

from bot.nlu.tokenizer import MultilingualTokenizer


def tokens(text):
    tokenizer = MultilingualTokenizer(MultilingualTokenizer.get_default_config())
    return [(t.text, t.start, t.end) for t in tokenizer.tokenize(Message({"text": text}), "text")]


def test_chinese_is_split_into_words_with_exact_offsets():
    text = "我的订单100234到哪了"
    result = tokens(text)
    assert ("订单", 2, 4) in result and ("100234", 4, 10) in result
    assert all(text[start:end] == piece for piece, start, end in result)


def test_japanese_is_split_by_its_own_morphology():
    text = "注文100238はどこですか"
    result = tokens(text)
    assert [piece for piece, _, _ in result][:3] == ["注文", "100238", "は"]
    assert all(text[start:end] == piece for piece, start, end in result)


def test_kanji_in_a_japanese_message_follow_japanese_segmentation():
    assert [p for p, _, _ in tokens("配送状況 まだ？")][:2] == ["配送", "状況"]


def test_spaced_languages_keep_whitespace_tokenization():
    assert [p for p, _, _ in tokens("où est ma commande 100240 ?")] == ["où", "est", "ma", "commande", "100240"]
