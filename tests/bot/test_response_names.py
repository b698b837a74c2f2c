"""Every reply the services and actions can ask for exists in the English catalog (the fallback
of every language; other languages are checked against English in test_nlg.py). Names built
at run time are expanded from the codes that build them."""
import re

from bot.nlg.catalog import Catalog
from bot.settings import PROJECT_ROOT
from integrations.orders.base import CLAIM_RESOLUTIONS

SOURCES = [*sorted((PROJECT_ROOT / "bot" / "services").glob("*.py")), *sorted((PROJECT_ROOT / "actions").glob("*.py"))]
RETURN_REFUSALS = ("window_closed", "non_returnable", "hygiene_opened", "used", "warranty_expired")
CHANGE_KINDS = ("cancel", "address", "change")
ASKED_WITH_BUTTONS = ("order_item", "return_reason", "return_condition", "delivery_problem", "claim_resolution", "order_change", "feedback_rating")


def literal_names() -> set[str]:
    names = set()
    for path in SOURCES:
        names.update(re.findall(r"[\"'](utter_[a-z_]+)[\"']", path.read_text(encoding="utf-8")))
    return names


def built_names() -> set[str]:
    names = {f"utter_return_refused_{code}" for code in RETURN_REFUSALS}
    names |= {f"utter_{kind}_too_late_{when}" for kind in CHANGE_KINDS for when in ("shipped", "closed")}
    names |= {f"utter_claim_{resolution}" for resolution in CLAIM_RESOLUTIONS}
    names |= {"utter_address_no_postal_code", "utter_address_too_short"}
    names |= {f"utter_ask_{slot}" for slot in ASKED_WITH_BUTTONS}
    return names


def test_every_reply_the_code_asks_for_is_in_the_english_catalog():
    english = Catalog.load().fallback.responses
    wanted = literal_names() | built_names()
    assert len(wanted) > 90
    assert sorted(wanted - set(english)) == []


def test_the_built_names_are_the_ones_the_code_builds():
    # If a service starts building names from another pattern, this list must follow.
    text = "".join(path.read_text(encoding="utf-8") for path in SOURCES)
    assert set(re.findall(r'f"(utter_[a-z_{}.]+)"', text)) == {
        "utter_return_refused_{refusal}", "utter_{what}_too_late_shipped", "utter_{what}_too_late_closed",
        "utter_claim_{resolution}", "utter_address_{parsed.problem}", "utter_ask_{self.slot}",
    }
