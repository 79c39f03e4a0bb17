"""Thin views of the inventory API: validate with a serializer, call one service or
selector, serialize the result."""
