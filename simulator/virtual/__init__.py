"""The virtual world: a background manager and a runtime whose commands take their declared time on the virtual clock."""

from .background import VirtualBackgroundManager
from .runtime import VirtualRuntime

__all__ = ["VirtualBackgroundManager", "VirtualRuntime"]
