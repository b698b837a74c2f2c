from bot.patterns import find_entities, normalise_order_number, phone_digits
from bot.services.ownership import parse_contact


def entities(text):
    return [(m.entity, m.value) for m in find_entities(text)]


def test_order_number_inside_sentences_in_every_script():
    assert entities("where is my order 100234??") == [("order_number", "100234")]
    assert entities("dónde está mi pedido #100234") == [("order_number", "100234")]
    assert entities("我的订单100234到哪了") == [("order_number", "100234")]


def test_full_width_digits_count_and_keep_their_positions():
    text = "订单１００２３４"
    [match] = list(find_entities(text))
    assert match.entity == "order_number"
    assert text[match.start:match.end] == "１００２３４"
    assert normalise_order_number(match.value) == "100234"


def test_phone_is_not_mistaken_for_an_order_number():
    assert entities("call me on +44 7700 900123") == [("phone", "+44 7700 900123")]
    assert entities("order 100234, phone +34 612 345 678") == [
        ("order_number", "100234"),
        ("phone", "+34 612 345 678"),
    ]


def test_email_comes_first_and_numbers_inside_it_are_not_orders():
    assert entities("it's user100234@example.com") == [("email", "user100234@example.com")]


def test_too_short_or_too_long_numbers_are_not_order_numbers():
    assert normalise_order_number("12345") is None
    assert normalise_order_number("1002345") is None
    assert normalise_order_number("ABC123") is None


def test_contacts_are_normalised():
    assert parse_contact(" Maria.Garcia@Example.ES ") == "maria.garcia@example.es"
    assert parse_contact("my phone is +34 612-345-678") == "+34612345678"
    assert parse_contact("612 345 678") == "612345678"
    assert parse_contact("no idea") is None
    assert phone_digits("12") is None


def test_arabic_indic_digits_are_order_numbers_and_phones():
    [order] = find_entities("رقم الطلب ١٠٠٢٣٤")
    assert order.entity == "order_number" and normalise_order_number(order.value) == "100234"
    assert parse_contact("+٣٤ ٦١٢ ٣٤٥ ٦٧٨") == "+34612345678"


def test_russian_phone_formats_with_brackets():
    assert entities("мой телефон +7 (916) 123-45-67") == [("phone", "+7 (916) 123-45-67")]
    assert parse_contact("8 (916) 123-45-67") == "89161234567"
