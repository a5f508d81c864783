"""Kernel domain analysis: CR pinning x secondary-CPU bringup (facts, analysis, trees)."""
