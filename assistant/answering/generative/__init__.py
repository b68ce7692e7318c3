"""Generative answers: a language model (llm.py: llama.cpp in process, an OpenAI-compatible
server, Ollama) words the answer from the retrieved passages (prompts.py), and each sentence
is shown only after it passes the grounding check (grounding.py); generate.py falls back to
the extractive answer otherwise."""
