"""Signed links to the store's documents (invoices, return labels).

A link carries its expiry and an HMAC-SHA256 over what it opens and that expiry, so whoever
holds it can open that one document until it expires, without the API key: shoppers get
these links in the chat. The kind is signed too, so an invoice link never opens a label.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import time
from typing import Optional
from urllib.parse import quote, urlencode

LINK_VALIDITY_SECONDS = 7 * 24 * 3600
_EXPIRES = re.compile(r"[0-9]{1,12}")


class LinkSigner:
    def __init__(self, secret: str, validity_seconds: int = LINK_VALIDITY_SECONDS) -> None:
        if not secret:
            raise ValueError("signed links need a non-empty secret")
        self._key = secret.encode()
        self.validity_seconds = validity_seconds

    def signature(self, kind: str, subject: str, expires: int) -> str:
        message = f"{kind}\n{subject}\n{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def url(self, base_url: str, path_prefix: str, kind: str, subject: str, now: Optional[float] = None) -> str:
        """`base_url/path_prefix/subject?expires=..&signature=..`, valid for the next seven days."""
        expires = int(now if now is not None else time.time()) + self.validity_seconds
        query = urlencode({"expires": expires, "signature": self.signature(kind, subject, expires)})
        return f"{base_url.rstrip('/')}/{path_prefix}/{quote(subject, safe='')}?{query}"

    def verify(self, kind: str, subject: str, expires: str, signature: str, now: Optional[float] = None) -> bool:
        """True when the signature is ours for this document and the link has not expired."""
        if not _EXPIRES.fullmatch(expires):
            return False
        expected = self.signature(kind, subject, int(expires))
        # Constant-time comparison, so timing does not reveal how much of a guess was right.
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            return False
        return int(expires) > (now if now is not None else time.time())
