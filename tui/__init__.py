"""The person's face of hitl: the Textual app and the `hitl` command."""
