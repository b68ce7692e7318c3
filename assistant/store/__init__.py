"""The index: vectors in Chroma (files or a server), a BM25 keyword index and the manifest.

sync.py writes it (`sync_index`), reader.py reads it (`Index`), layout.py says what both agree
on; files.py and remote.py are the two places a build lives; in a build folder, manifest.py
keeps the manifest in SQLite (a row per article) and segments.py the sentence vectors and
keyword postings, one segment per sync; records.py writes Chroma's records; embeddings.py is
the encoder.
"""
