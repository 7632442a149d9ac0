"""Scrubbing: a credential is found as it is, reversed, in hex and in base64 at any offset of a longer stream."""

from __future__ import annotations

import base64
import json

import pytest

from simulator.privacy import REDACTED, privacy_replacements, scrub, scrub_text, secret_forms

KEY = "sk-ant-api03-Qw3rTy_uIoP-0123456789abcdef"


def _encodings(secret: str) -> dict[str, str]:
    raw = secret.encode()
    out = {"literal": secret, "reversed": secret[::-1], "hex": raw.hex(), "HEX": raw.hex().upper(),
           "reversed hex": raw[::-1].hex()}
    for prefix in (b"", b"k", b"ke", b"key=", b"Authorization: Bearer "):
        for name, enc in (("base64", base64.b64encode), ("urlsafe base64", base64.urlsafe_b64encode)):
            for label, body in (("", raw), (" of the reversed key", raw[::-1])):
                out[f"{name}{label} after {len(prefix)} bytes"] = enc(prefix + body + b"\n-- end").decode()
    return out


@pytest.mark.parametrize(("name", "text"), list(_encodings(KEY).items()))
def test_every_form_of_the_key_is_scrubbed(name, text):
    repl = privacy_replacements(secrets=[KEY])
    clean = scrub_text(f"before {text} after", repl)
    assert REDACTED in clean
    remains = clean.replace(REDACTED, "")
    for form in (KEY, KEY[::-1]):
        assert form not in remains and form.encode().hex() not in remains.lower()
    for chunk in remains.split():  # what is left decodes to no part of the key longer than a few characters
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                decoded = decode(chunk + "=" * (-len(chunk) % 4))
            except ValueError:
                continue
            assert KEY[4:20].encode() not in decoded and KEY[::-1][4:20].encode() not in decoded


def test_scrub_reaches_every_string_of_a_document_keys_included():
    doc = {"a": [KEY[::-1], {KEY.encode().hex(): 1}], "b": base64.b64encode(KEY.encode()).decode()}
    clean = json.dumps(scrub(doc, privacy_replacements(secrets=[KEY])))
    assert not any(form in clean for form in secret_forms(KEY))


def test_short_values_are_not_treated_as_secrets():
    assert privacy_replacements(secrets=[]) == {}
    assert all(len(f) >= 8 for f in secret_forms(KEY))
