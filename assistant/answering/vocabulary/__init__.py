"""What the index's words are, per snapshot: stems and their rarity, acronyms, what each
article says about itself, and a vector for every word."""
