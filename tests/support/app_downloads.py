"""What an AppTest page's download buttons hand the browser, read back through Streamlit's media store.

``read = capture_downloads(monkeypatch)`` before ``AppTest.run``; then ``read(button)``
gives the file name and bytes of a download button from the last run, also when the
button makes its file only on click (a deferred download), exactly as a click would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import app_test


class Download(NamedTuple):
    name: str
    data: bytes


class _KeptMediaFileManager(MediaFileManager):
    """The media store of the latest AppTest run, kept for the test to read."""

    latest: MediaFileManager | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _KeptMediaFileManager.latest = self


def capture_downloads(monkeypatch: Any) -> Callable[[Any], Download]:
    """Keep each run's media store; returns a reader of a download button's file."""
    monkeypatch.setattr(app_test, "MediaFileManager", _KeptMediaFileManager)

    def read(button: Any) -> Download:
        manager = _KeptMediaFileManager.latest
        assert manager is not None, "no AppTest run since capture_downloads"
        proto = button.proto
        url = manager.execute_deferred(proto.deferred_file_id) if proto.deferred_file_id else proto.url
        assert url, f"the button {proto.label!r} has no file"
        stored = manager._storage.get_file(url.rsplit("/", 1)[-1])
        return Download(stored.filename or "", stored.content)

    return read


def buttons_by_label(at: Any) -> dict[str, Any]:
    """The page's download buttons by label."""
    return {b.proto.label: b for b in at.get("download_button")}
