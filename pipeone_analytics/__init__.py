"""PipeOne Analytics."""
