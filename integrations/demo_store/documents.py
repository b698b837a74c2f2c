"""The demo store's printable documents: invoices and prepaid return labels, as small HTML pages.

Everything from the database is escaped: names and addresses are typed by shoppers.
Amounts keep the currency's minor unit (no cents for yen) and group thousands.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from html import escape
from typing import Iterable, Optional

from integrations.demo_store import models
from integrations.demo_store.shop import (
    SELLER_ADDRESS,
    SalesTax,
    SELLER_EMAIL,
    SELLER_NAME,
    included_tax,
    minor_unit,
    collected_tax,
    returns_warehouse,
)
from integrations.orders.base import Address

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 2px solid #222; }
.parties { display: flex; gap: 2rem; flex-wrap: wrap; }
.parties div { flex: 1; min-width: 14rem; }
.muted { color: #666; font-size: .9rem; }
.label { border: 3px solid #222; padding: 1rem 1.5rem; }
.rma { font-family: ui-monospace, monospace; font-size: 2rem; letter-spacing: .1rem; border: 2px dashed #222;
       padding: .5rem 1rem; display: inline-block; }
"""


def money(amount: Decimal, currency: str) -> str:
    places = 0 if minor_unit(currency) == 1 else 2
    return f"{currency} {amount.quantize(minor_unit(currency)):,.{places}f}"


def _date(value: datetime) -> str:
    return value.strftime("%Y-%m-%d")


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<meta name=\"robots\" content=\"noindex\"><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )


def _lines(values: Iterable[str]) -> str:
    return "<br>".join(escape(value) for value in values if value)


def _order_address(order: models.Order) -> list[str]:
    return [order.ship_name, order.ship_line1, f"{order.ship_postal_code} {order.ship_city}".strip(), order.ship_country]


def _address(address: Address) -> list[str]:
    return [address.name, address.line1, f"{address.postal_code} {address.city}".strip(), address.country]


def message_html(message: str) -> str:
    return _page(message, f"<h1>{escape(message)}</h1>")


def invoice_html(order: models.Order) -> str:
    currency = order.currency
    tax = collected_tax(order.market, order.total)
    captured = [event.time for event in order.payments if event.kind == "captured"]
    invoice_date = captured[0] if captured else order.placed_at

    rows = []
    for item in order.items:
        description = escape(item.name) + (f"<br><span class=\"muted\">{escape(item.variant)}</span>" if item.variant else "")
        rows.append(
            f"<tr><td>{description}</td><td>{escape(item.sku)}</td><td class=\"num\">{item.quantity}</td>"
            f"<td class=\"num\">{escape(money(item.unit_price, currency))}</td>"
            f"<td class=\"num\">{escape(money(item.unit_price * item.quantity, currency))}</td></tr>"
        )
    totals = []
    if tax is not None:
        # Shelf prices include the tax: it is shown as the part of the total it makes up.
        tax_amount = included_tax(order.total, tax.rate, currency)
        totals.append(_total_row(f"Total excl. {tax.label}", money(order.total - tax_amount, currency)))
        totals.append(_total_row(f"{tax.label} {tax.rate.normalize():f}%", money(tax_amount, currency)))
    totals.append(_total_row(f"Total ({currency})", money(order.total, currency), css="total"))

    seller = [SELLER_NAME, *SELLER_ADDRESS, SELLER_EMAIL]
    if tax is not None:
        seller.append(tax.registration)
    body = f"""
<h1>Invoice {escape(order.invoice_number or "")}</h1>
<p class="muted">Invoice date {_date(invoice_date)} · Order {escape(order.number)} placed {_date(order.placed_at)}
 · Paid by {escape(order.payment_method.replace("_", " "))}</p>
<div class="parties">
  <div><h2>Seller</h2><p>{_lines(seller)}</p></div>
  <div><h2>Bill and ship to</h2><p>{_lines([*_order_address(order), order.customer.email])}</p></div>
</div>
<table>
  <thead><tr><th>Item</th><th>SKU</th><th class="num">Qty</th><th class="num">Unit price</th><th class="num">Amount</th></tr></thead>
  <tbody>{"".join(rows)}</tbody>
  <tfoot>{"".join(totals)}</tfoot>
</table>
{_refunds_section(order)}
{_cancellation_note(order)}
<p class="muted">{_tax_note(tax)}</p>
"""
    return _page(f"Invoice {order.invoice_number}", body)


def _tax_note(tax: Optional[SalesTax]) -> str:
    if tax is not None:
        return f"{escape(tax.label)} collected at checkout by the seller; nothing more is due on import."
    return "Import taxes and duties, where due, are charged by customs in the destination country."


def _total_row(label: str, amount: str, css: str = "") -> str:
    return (
        f"<tr class=\"{css}\"><td colspan=\"4\" class=\"num\">{escape(label)}</td>"
        f"<td class=\"num\">{escape(amount)}</td></tr>"
    )


def _refunds_section(order: models.Order) -> str:
    if not order.refunds:
        return ""
    rows = "".join(
        f"<tr><td>{escape(refund.reference)}</td><td>{_date(refund.issued_at or refund.created_at)}</td>"
        f"<td>{escape(refund.status)}</td><td class=\"num\">{escape(money(refund.amount, refund.currency))}</td></tr>"
        for refund in order.refunds
    )
    return (
        "<h2>Refunds</h2><table><thead><tr><th>Reference</th><th>Date</th><th>Status</th>"
        f"<th class=\"num\">Amount</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _cancellation_note(order: models.Order) -> str:
    if order.status != "cancelled":
        return ""
    when: Optional[datetime] = order.cancelled_at
    return f"<p><strong>This order was cancelled{' on ' + _date(when) if when else ''}.</strong></p>"


def label_html(order: models.Order, request: models.ReturnRequest) -> str:
    warehouse = returns_warehouse(order.market)
    contents = ", ".join(f"{line.quantity} × {line.sku}" for line in request.lines)
    body = f"""
<div class="label">
  <h1>Prepaid return · {escape(warehouse.label_carrier)}</h1>
  <p class="rma">{escape(request.rma)}</p>
  <div class="parties">
    <div><h2>From</h2><p>{_lines(_order_address(order))}</p></div>
    <div><h2>To</h2><p>{_lines(_address(warehouse.address))}</p></div>
  </div>
  <p>Contents: {escape(contents)} (order {escape(order.number)})</p>
  <p class="muted">Postage paid by {escape(SELLER_NAME)}. Valid for one parcel. Stick this label on the outside
  of the parcel and put a note with {escape(request.rma)} inside. Issued {_date(request.created_at)}.</p>
</div>
"""
    return _page(f"Return label {request.rma}", body)
