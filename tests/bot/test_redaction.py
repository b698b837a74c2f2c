from bot.hygiene import EMPTY_MESSAGE_INTENT, clean
from bot.redaction import CARD_PLACEHOLDER, redact


def test_luhn_valid_card_numbers_are_removed_in_any_grouping():
    assert CARD_PLACEHOLDER in redact("my card is 4111 1111 1111 1111 exp 12/28")
    assert "4111" not in redact("4111-1111-1111-1111")
    assert redact("卡号4111111111111111") == f"卡号{CARD_PLACEHOLDER}"


def test_numbers_that_are_not_cards_are_kept():
    assert redact("order 100234") == "order 100234"
    # 16 digits failing the Luhn check: a tracking number, not a card.
    assert redact("tracking 1234567812345678") == "tracking 1234567812345678"
    # International phones are never taken for cards.
    assert redact("+86 138 1234 5678 000") == "+86 138 1234 5678 000"


def test_codes_and_passwords_after_their_names_are_removed():
    assert redact("cvv 123") == "cvv [removed]"
    assert redact("mi contraseña: hunter2") == "mi contraseña: [removed]"
    assert "s3cret" not in redact("密码 s3cret")


def test_clean_drops_control_characters_and_binary():
    assert clean("hola\x00\x07 mundo", 100).text == "hola mundo"
    assert clean("\x00\x01\x02", 100).text == EMPTY_MESSAGE_INTENT
    assert clean("", 100).text == EMPTY_MESSAGE_INTENT
    assert clean(None, 100).text == EMPTY_MESSAGE_INTENT
    assert clean(b"\xff\xfe\xfd", 100).text == EMPTY_MESSAGE_INTENT


def test_clean_cuts_huge_messages_and_says_so():
    result = clean("a" * 100_000, 2000)
    assert len(result.text) == 2000
    assert result.truncated and result.original_length == 100_000


def test_clean_redacts_before_anything_is_stored():
    assert "4111" not in clean("pay with 4111 1111 1111 1111", 2000).text


def test_emoji_only_messages_are_kept():
    assert clean("👍", 100).text == "👍"


def test_clean_says_when_it_removed_something():
    assert clean("card 4111 1111 1111 1111", 100).redacted
    assert not clean("order 100234", 100).redacted
