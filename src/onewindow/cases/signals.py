"""What cases tell the parts of themselves that must not be imported back (bundles, later others)."""

from django.dispatch import Signal

# Sent inside `act`'s transaction with `case=` when a bundle child is decided, refused or withdrawn.
bundle_child_closed = Signal()
