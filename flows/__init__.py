"""Workflows built on hitl: the reference questionnaire and its siblings."""
