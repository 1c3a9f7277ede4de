"""Readers of exports: the canonical PipeOne export, then adapters for real-world formats."""
