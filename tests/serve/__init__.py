"""Tests of `hitl serve`: access rules, the HTTP door, and a real browser."""
