"""The market policy file: the shipped one loads, and mistakes stop start-up with a message
that names the file, the market and the key."""
from datetime import time
from decimal import Decimal

import pytest
import yaml

from bot.policies import POLICY_FILE, Policies, PolicyError


def write_policy(tmp_path, change):
    data = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "markets.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_shipped_policy_file_loads_with_market_overrides():
    policies = Policies.load()
    assert policies.for_market("DE").return_window_days == 14
    assert policies.for_market("DE").return_basis == "eu_withdrawal"
    assert policies.for_market("us").return_window_days == 30
    assert policies.for_market("ES").currency == "EUR"
    assert policies.for_market("JP").high_value_order == Decimal("150000")
    # A market the file does not name gets the defaults.
    assert policies.for_market("KR") is policies.defaults
    assert policies.for_market(None).return_window_days == 7


def test_every_market_the_demo_store_sells_to_has_a_policy():
    from integrations.demo_store.seed_data import MARKETS

    policies = Policies.load()
    assert set(MARKETS) <= set(policies.markets)


def test_support_hours_follow_the_market_working_week():
    saudi = Policies.load().for_market("SA").support
    assert saudi.days == (0, 1, 2, 3, 6)  # Sunday to Thursday
    assert saudi.opens == time(9, 0) and str(saudi.timezone) == "Asia/Riyadh"


def test_sla_targets_read_minutes_hours_and_working_days_and_a_market_can_override_them(tmp_path):
    from bot.policies import Span

    def faster_in_japan(data):
        data["markets"]["JP"]["sla"] = {**data["defaults"]["sla"], "urgent": {"first_response": "15m", "resolution": "2h"}}

    policies = Policies.load(write_policy(tmp_path, faster_in_japan))
    assert policies.for_market("JP").sla["urgent"].first_response == Span(minutes=15)
    assert policies.for_market("JP").sla["urgent"].resolution == Span(minutes=120)
    assert policies.for_market("JP").sla["low"] == policies.defaults.sla["low"]
    assert policies.defaults.sla["low"].resolution == Span(days=5)
    # Working days count the market's own working day: 9 hours in Japan's shipped policy.
    assert Span(days=1).business_minutes(policies.for_market("JP").support) == 9 * 60


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["markets"]["DE"].update(return_window_days="fourteen"), "markets.DE.return_window_days"),
        (lambda d: d["markets"]["US"].update(return_basis="whatever"), "markets.US.return_basis"),
        (lambda d: d["defaults"].pop("refund_days"), "missing keys ['refund_days']"),
        (lambda d: d["markets"]["FR"].update(retrun_window_days=14), "unknown keys ['retrun_window_days']"),
        (lambda d: d["markets"]["JP"].update(support={"timezone": "Mars/Base", "days": ["mon"], "opens": "09:00", "closes": "17:00"}), "markets.JP.support"),
        (lambda d: d["markets"]["GB"].update(postal_code_pattern="(unclosed"), "markets.GB.postal_code_pattern"),
        (lambda d: d["markets"].update({"Germany": {}}), "'Germany' is not an ISO 3166-1 code"),
        (lambda d: d["defaults"]["lost_after_days_without_scan"].pop("postal"), "lost_after_days_without_scan"),
        (lambda d: d["defaults"]["sla"].pop("urgent"), "defaults.sla: expected targets for each of low, normal, high, urgent"),
        (lambda d: d["defaults"]["sla"]["high"].update(first_response="two hours"), "defaults.sla.high"),
        (lambda d: d["defaults"]["sla"]["low"].update(resolution=True), "defaults.sla.low"),
    ],
)
def test_a_broken_policy_is_refused_with_a_precise_message(tmp_path, change, message):
    path = write_policy(tmp_path, change)
    with pytest.raises(PolicyError) as error:
        Policies.load(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_a_locale_names_a_market_by_its_region_only_when_the_file_has_that_market():
    policies = Policies.load()
    assert "MX" in policies.markets and "ES" in policies.markets
    assert policies.market_of_locale("es-MX") == "MX"
    assert policies.market_of_locale("es_mx") == "MX"
    assert policies.market_of_locale("zh-Hant-TW") == ("TW" if "TW" in policies.markets else None)
    assert policies.market_of_locale("es") is None  # a language, not a region
    assert policies.market_of_locale("en-001") is None
    assert policies.market_of_locale("") is None
