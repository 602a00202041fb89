"""Editing a copy of the lexicons the way a maintainer would: a few lines added to a file."""


def append(folder, name, text):
    with open(folder / name, "a", encoding="utf-8") as fh:
        fh.write(text)
