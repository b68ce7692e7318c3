"""Passages and candidate sentences for a question from one snapshot: dense and keyword
rankings fused, the nearest sentence vectors, the sentences of rare words."""
