"""Write ``static/vega.js``: Vega, Vega-Lite and Vega-Embed in one file, taken from ``vl-convert-python``.

    python -m scripts.vendor_vega            # rewrite it
    python -m scripts.vendor_vega --check    # exit 1 if it differs from what vl-convert gives

The player draws its timelines with ``vegaEmbed`` (which compiles the Vega-Lite spec in
the browser); a standalone HTML export inlines this file, so it needs no network. The
bundle comes whole from the package (its ``javascript_bundle``), not written by hand.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "static" / "vega.js"
HEADER = ("/* Vega {vega}, Vega-Lite {vl} and Vega-Embed, bundled by vl-convert-python {vlc}; "
          "see the projects' licences (BSD-3-Clause). */\n")


def bundle() -> str:
    """The bundle as ``vl-convert`` makes it, with a header naming the versions."""
    import vl_convert as vlc

    versions = vlc.get_vegalite_versions()
    head = HEADER.format(vega=vlc.get_vega_version(), vl=versions[-1], vlc=getattr(vlc, "__version__", "1.9"))
    return head + vlc.javascript_bundle() + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 when the file is not the bundle")
    args = ap.parse_args(argv)
    text = bundle()
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print(f"{OUT.name}: {'up to date' if same else 'differs from the bundle vl-convert makes'}")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.name} ({len(text.encode()) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
