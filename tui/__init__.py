"""Everything a person touches, in three layers: ``sessions`` (headless, under every
face), ``cli`` (the `hitl` command) and ``app`` (the Textual app)."""
