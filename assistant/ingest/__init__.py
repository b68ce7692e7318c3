"""Files -> articles -> chunks: reading the corpus folder (Markdown, text, HTML; bad files are
reported and skipped), cleaning site furniture, sentence splitting and chunking, named
entities, and adding or deleting articles from outside the file system (the web page)."""
