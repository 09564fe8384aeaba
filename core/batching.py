import itertools


def chunked(items, size):
    """Lists of at most `size` items from any iterable, in order (itertools.batched arrives only in Python 3.12)."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
