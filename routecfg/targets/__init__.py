"""One renderer per target file kind: text in, text out, no file access."""
