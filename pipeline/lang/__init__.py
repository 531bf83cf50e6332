"""Arabic language data (as spaCy's ``lang/ar``): facts about the language, not pipeline steps."""
