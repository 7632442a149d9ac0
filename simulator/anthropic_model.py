"""A real model: the Anthropic Messages API through the official ``anthropic`` SDK.

``AnthropicModel`` implements the loop's ``Model`` protocol. The model id comes
from ``S08_MODEL`` (default ``DEFAULT_MODEL``); the SDK reads
``ANTHROPIC_API_KEY`` and ``ANTHROPIC_BASE_URL`` (explicit ``api_key`` /
``base_url`` arguments win). Every failure the SDK can raise becomes a
``ModelError`` with one line saying what happened and what to do; the loop then
ends the run with an ``error`` event and keeps the trace.
"""

from __future__ import annotations

import os
import time
from typing import Any

from .errors import ModelError
from .i18n import N_, _
from .model import ModelTurn
from .real.environ_guard import hide_api_keys
from .text import one_line

MODEL_ENV = "S08_MODEL"
DEFAULT_MODEL = "claude-sonnet-4-6"
DEFAULT_MAX_TOKENS = 4096
DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MAX_RETRIES = 2
KEY_ENV = "ANTHROPIC_API_KEY"
#: Translated when raised: ``_(NO_KEY_MESSAGE).format(name=KEY_ENV)``.
NO_KEY_MESSAGE = N_("Set {name} to an Anthropic API key (none was found), or replay a recording instead.")


def default_model_name() -> str:
    """The model id to use: ``$S08_MODEL`` or ``DEFAULT_MODEL``."""
    return os.environ.get(MODEL_ENV, "").strip() or DEFAULT_MODEL


def key_in_environment() -> bool:
    """Whether the environment holds a static credential the SDK will use."""
    return bool(os.environ.get(KEY_ENV, "").strip() or os.environ.get("ANTHROPIC_AUTH_TOKEN", "").strip())


def _block_dict(block: Any) -> dict[str, Any]:
    """An SDK content block as a plain dict (``None`` fields left out)."""
    if isinstance(block, dict):
        return dict(block)
    dump = getattr(block, "model_dump", None)
    if dump is not None:
        return dump(mode="json", exclude_none=True)
    return {"type": str(getattr(block, "type", "unknown"))}


def api_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The loop's messages as the Messages API takes them.

    Only ``role`` and ``content`` are sent; an assistant message left empty
    (possible after an empty ``end_turn``) gets a placeholder text block, since
    the API refuses empty content anywhere but in the final message.
    """
    out = []
    for i, m in enumerate(messages):
        content = m.get("content")
        if isinstance(content, list):
            content = [dict(b) for b in content]
            if not content and i < len(messages) - 1:
                content = [{"type": "text", "text": "(no text)"}]
        out.append({"role": m["role"], "content": content})
    return out


class AnthropicModel:
    """Asks a Claude model for each turn, with the six s08 tools."""

    def __init__(self, model: str | None = None, *, api_key: str | None = None, base_url: str | None = None,
                 max_tokens: int = DEFAULT_MAX_TOKENS, timeout_s: float = DEFAULT_TIMEOUT_S,
                 max_retries: int = DEFAULT_MAX_RETRIES, client: Any = None) -> None:
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        self.name = model or default_model_name()
        self.max_tokens = max_tokens
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self._api_key = api_key
        self._base_url = base_url
        self._client = client
        self._injected = client is not None
        self.calls = 0
        self.usage = {"input_tokens": 0, "output_tokens": 0}
        self.last_latency_s: float | None = None
        hide_api_keys()  # commands this process starts cannot read the key from /proc/<pid>/environ

    def __repr__(self) -> str:  # never shows the key
        return f"AnthropicModel(model={self.name!r}, max_tokens={self.max_tokens})"

    @property
    def base_url(self) -> str:
        if self._client is not None and getattr(self._client, "base_url", None) is not None:
            return str(self._client.base_url)
        return self._base_url or os.environ.get("ANTHROPIC_BASE_URL") or "https://api.anthropic.com"

    def client(self) -> Any:
        """The SDK client (made on first use); raises ``ModelError`` when there is no credential."""
        if self._client is None:
            import anthropic

            kwargs: dict[str, Any] = {"max_retries": self.max_retries, "timeout": self.timeout_s}
            if self._api_key:
                kwargs["api_key"] = self._api_key
            if self._base_url:
                kwargs["base_url"] = self._base_url
            try:
                client = anthropic.Anthropic(**kwargs)
            except anthropic.AnthropicError as exc:  # e.g. a credentials profile that cannot be read
                if not (self._api_key or key_in_environment()):
                    raise ModelError(_(NO_KEY_MESSAGE).format(name=KEY_ENV)) from None
                raise ModelError(_("Cannot set up the Anthropic client: {why}").format(
                    why=one_line(self._scrub(str(exc)), 240))) from None
            if client.api_key is None and client.auth_token is None and client.credentials is None:
                raise ModelError(_(NO_KEY_MESSAGE).format(name=KEY_ENV))
            self._client = client
        return self._client

    def fork(self) -> AnthropicModel:
        """A model like this one with a client of its own (for a sub-agent); an injected client is shared."""
        return AnthropicModel(self.name, api_key=self._api_key, base_url=self._base_url, max_tokens=self.max_tokens,
                              timeout_s=self.timeout_s, max_retries=self.max_retries,
                              client=self._client if self._injected else None)

    def check_credentials(self) -> None:
        """Raise ``ModelError`` now (before any request) if no credential is configured."""
        self.client()

    def respond(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], system: str) -> ModelTurn:
        client = self.client()
        self.calls += 1
        started = time.monotonic()
        try:
            response = client.messages.create(model=self.name, max_tokens=self.max_tokens, system=system,
                                              tools=tools, messages=api_messages(messages))
        except Exception as exc:
            raise ModelError(self.describe_error(exc)) from None
        content = [_block_dict(b) for b in (getattr(response, "content", None) or [])]
        usage = getattr(response, "usage", None)
        counts = {"input_tokens": int(getattr(usage, "input_tokens", 0) or 0),
                  "output_tokens": int(getattr(usage, "output_tokens", 0) or 0)}
        for k, v in counts.items():
            self.usage[k] += v
        self.last_latency_s = time.monotonic() - started
        return ModelTurn(content=content, stop_reason=getattr(response, "stop_reason", None) or "unknown",
                         latency_s=None, usage=counts, model=getattr(response, "model", None) or self.name)

    # -- errors ----------------------------------------------------------------------
    def _scrub(self, text: str) -> str:
        for secret in (self._api_key, os.environ.get(KEY_ENV), os.environ.get("ANTHROPIC_AUTH_TOKEN")):
            if secret and len(secret) >= 6:
                text = text.replace(secret, "[redacted]")
        return text

    def describe_error(self, exc: BaseException) -> str:
        """One line for an SDK error: what happened and what to do."""
        return one_line(self._scrub(self._describe(exc)), 300)

    def _describe(self, exc: BaseException) -> str:
        import anthropic

        retries = (f" after {self.max_retries} retr{'y' if self.max_retries == 1 else 'ies'}"
                   if self.max_retries else "")
        if isinstance(exc, ModelError):
            return str(exc)
        if isinstance(exc, anthropic.APIStatusError):
            status = exc.status_code
            detail = getattr(exc, "api_message", None) or ""
            detail = f" ({one_line(detail, 120)})" if detail else ""
            if isinstance(exc, anthropic.AuthenticationError):
                return f"The Anthropic API rejected the API key (401){detail}: check {KEY_ENV}."
            if isinstance(exc, anthropic.PermissionDeniedError):
                return (f"The API key is not allowed to do this (403){detail}: check the key's permissions "
                        f"or pick another model with {MODEL_ENV}.")
            if isinstance(exc, anthropic.NotFoundError):
                return (f"Model {self.name!r} or the API endpoint was not found (404){detail}: "
                        f"set {MODEL_ENV} to a current model id and check ANTHROPIC_BASE_URL.")
            if isinstance(exc, anthropic.RateLimitError):
                return (f"The Anthropic API is rate-limiting this key (429){retries}: wait a minute and run "
                        "again, or check the key's rate limits.")
            if isinstance(exc, anthropic.OverloadedError) or status == 529:
                return f"The Anthropic API is overloaded (529){retries}: try again in a few minutes."
            if isinstance(exc, anthropic.InternalServerError) or status >= 500:
                return f"The Anthropic API had a server error ({status}){retries}: try again later."
            if isinstance(exc, anthropic.BadRequestError):
                return (f"The Anthropic API refused the request (400){detail}: the conversation may be too "
                        "long or malformed; start a new run.")
            if status == 413:
                return "The request was too large for the Anthropic API (413): start a new, shorter run."
            return f"The Anthropic API answered HTTP {status}{detail}: see the message and run again."
        if isinstance(exc, anthropic.APITimeoutError):
            return (f"The Anthropic API did not answer within {self.timeout_s:g} s{retries}: check the "
                    "network, or run again with a longer timeout.")
        if isinstance(exc, anthropic.APIConnectionError):
            return (f"Could not connect to the Anthropic API at {self.base_url}{retries}: check the network "
                    "and ANTHROPIC_BASE_URL.")
        if isinstance(exc, anthropic.APIResponseValidationError):
            return "The Anthropic API sent a response this program cannot read: update the anthropic package."
        if isinstance(exc, anthropic.AnthropicError):
            return f"The Anthropic SDK failed: {type(exc).__name__}: {exc}"
        return f"Calling the Anthropic API failed: {type(exc).__name__}: {exc}"
