"""Reads what `ln-run kernel --out FILE` writes: each buffer after a line
starting with '#', one element a line. Used by the checkers beside it."""


def read_buffers(path, convert=float):
    """The buffers of `path`, in argument order, as lists of `convert`ed
    elements."""
    buffers = []
    for line in open(path):
        if line.startswith("#"):
            buffers.append([])
        elif line.strip():
            buffers[-1].append(convert(line))
    return buffers
