"""patchlens: read Linux-kernel patches as maintainers receive them, and lint them."""

__version__ = "0.1.0"
