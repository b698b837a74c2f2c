"""The business behind the demo store: who sells, where returns go, which sales tax applies.

The shop collects import VAT / GST at checkout where the destination lets a foreign seller do
so for low-value parcels (the EU's IOSS up to EUR 150, the UK up to GBP 135, Australia's GST up
to AUD 1,000); shelf prices there include it, and the invoice shows it. Above those limits, and
in other markets, customs charges any import tax on arrival, so the invoice has no tax line.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from integrations.orders.base import Address

SELLER_NAME = "Lumen Trading Ltd."
SELLER_ADDRESS = ("Unit 1203, 12/F, Kwai Fung Crescent 8", "Kwai Chung, New Territories", "Hong Kong")
SELLER_EMAIL = "support@example-shop.com"

EU_MARKETS = frozenset({"DE", "FR", "ES", "IT", "NL"})
NORTH_AMERICA = frozenset({"US", "CA"})


@dataclass(frozen=True)
class ReturnsWarehouse:
    address: Address
    label_carrier: str  # who carries a prepaid return label from this region


# One warehouse per region, so a return never crosses a customs border twice.
RETURNS_EU = ReturnsWarehouse(
    Address(name="Lumen Returns EU", line1="Celsiusweg 30", city="Venlo", postal_code="5928 PR", country="NL"),
    label_carrier="DHL",
)
RETURNS_US = ReturnsWarehouse(
    Address(name="Lumen Returns US", line1="1650 E Del Amo Blvd, Dock 4", city="Carson, CA",
            postal_code="90746", country="US"),
    label_carrier="UPS",
)
RETURNS_HK = ReturnsWarehouse(
    Address(name="Lumen Returns", line1="Kwai Fung Crescent 8, Unit 1203", city="Kwai Chung",
            postal_code="", country="HK"),  # Hong Kong has no postal codes
    label_carrier="Hong Kong Post",
)


def returns_warehouse(market: str) -> ReturnsWarehouse:
    if market in EU_MARKETS:
        return RETURNS_EU
    if market in NORTH_AMERICA:
        return RETURNS_US
    return RETURNS_HK


@dataclass(frozen=True)
class SalesTax:
    label: str  # as printed on the invoice
    rate: Decimal  # percent, included in the shelf price
    registration: str  # the seller's registration for collecting it (fictional numbers)
    limit: Decimal  # the largest order total, in the market's currency, the seller may collect it on


_EU_VAT = {"DE": "19", "FR": "20", "ES": "21", "IT": "22", "NL": "21"}
SALES_TAXES: dict[str, SalesTax] = {
    **{market: SalesTax("VAT", Decimal(rate), "IOSS IM3720000123", Decimal("150")) for market, rate in _EU_VAT.items()},
    "GB": SalesTax("VAT", Decimal("20"), "VAT GB 000 0000 00", Decimal("135")),
    "AU": SalesTax("GST", Decimal("10"), "ARN 3000 0000 000", Decimal("1000")),
}


def collected_tax(market: str, total: Decimal) -> Optional[SalesTax]:
    """The tax the shop collected on an order of this total, or None when customs charges it."""
    tax = SALES_TAXES.get(market)
    return tax if tax is not None and total <= tax.limit else None


def minor_unit(currency: str) -> Decimal:
    return Decimal("1") if currency == "JPY" else Decimal("0.01")


def included_tax(gross: Decimal, rate: Decimal, currency: str) -> Decimal:
    """The tax inside a tax-inclusive amount: gross * rate / (100 + rate), to the currency's unit."""
    return (gross * rate / (Decimal(100) + rate)).quantize(minor_unit(currency), rounding=ROUND_HALF_UP)
