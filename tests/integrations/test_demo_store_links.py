"""Signed document links, and the settings that configure them."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from integrations.demo_store.links import LINK_VALIDITY_SECONDS, LinkSigner

NOW = 1_750_000_000


def test_a_link_verifies_until_it_expires():
    signer = LinkSigner("secret")
    url = signer.url("https://shop.example/", "invoices", "invoice", "100242", now=NOW)
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.path == "/invoices/100242"
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert int(query["expires"]) == NOW + LINK_VALIDITY_SECONDS == NOW + 7 * 24 * 3600
    assert signer.verify("invoice", "100242", query["expires"], query["signature"], now=NOW)
    assert signer.verify("invoice", "100242", query["expires"], query["signature"], now=int(query["expires"]) - 1)
    assert not signer.verify("invoice", "100242", query["expires"], query["signature"], now=int(query["expires"]))


@pytest.mark.parametrize(
    ("kind", "subject", "expires_delta", "secret"),
    [("label", "100242", 0, "secret"), ("invoice", "100243", 0, "secret"), ("invoice", "100242", 1, "secret"),
     ("invoice", "100242", 0, "other")],
)
def test_a_signature_opens_only_its_own_document(kind, subject, expires_delta, secret):
    expires = NOW + 100
    signature = LinkSigner("secret").signature("invoice", "100242", expires)
    assert not LinkSigner(secret).verify(kind, subject, str(expires + expires_delta), signature, now=NOW)


@pytest.mark.parametrize("expires", ["", "-5", "1e10", "soon", "١٢٣٤", "9" * 13, " 1750000100"])
def test_malformed_expiries_are_refused(expires):
    signer = LinkSigner("secret")
    assert not signer.verify("invoice", "100242", expires, signer.signature("invoice", "100242", NOW + 100), now=NOW)


def test_subjects_are_quoted_in_the_path():
    url = LinkSigner("secret").url("http://127.0.0.1:5058", "labels", "label", "RMA-1/2", now=NOW)
    assert urlsplit(url).path == "/labels/RMA-1%2F2"


def test_a_secret_is_required():
    with pytest.raises(ValueError):
        LinkSigner("")


def test_the_link_secret_is_made_once_and_kept_unless_set(monkeypatch, tmp_path):
    from bot.settings import Settings

    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DEMO_STORE_LINK_SECRET", raising=False)
    monkeypatch.delenv("DEMO_STORE_PUBLIC_URL", raising=False)
    first = Settings.from_env()
    assert len(first.demo_store_link_secret) >= 32 and first.demo_store_public_url == ""
    assert Settings.from_env().demo_store_link_secret == first.demo_store_link_secret
    assert (tmp_path / "secrets" / "demo_store_link_secret").stat().st_mode & 0o077 == 0
    assert first.child_environment()["DEMO_STORE_LINK_SECRET"] == first.demo_store_link_secret

    monkeypatch.setenv("DEMO_STORE_LINK_SECRET", "from-the-environment")
    monkeypatch.setenv("DEMO_STORE_PUBLIC_URL", "https://shop.example/store")
    configured = Settings.from_env()
    assert configured.demo_store_link_secret == "from-the-environment"
    assert configured.demo_store_public_url == "https://shop.example/store"
