"""The knowledge base: gazetteer files, loaded and validated (shared data, not a stage)."""
