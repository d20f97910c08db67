"""Curricula: the file format (pydantic), the loader/validator, and the merged catalog."""
