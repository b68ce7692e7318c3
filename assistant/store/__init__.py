"""The index: vectors in Chroma (files or a server), a BM25 keyword index and the manifest.

sync.py writes it (`sync_index`), reader.py reads it (`Index`), layout.py says what both agree
on; files.py and remote.py are the two places a build lives; segments.py keeps a build
folder's sentence vectors and keyword postings, one segment per sync; embeddings.py is the
encoder.
"""
