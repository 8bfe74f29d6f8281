"""The session layer: headless, under every face (the CLI, the Textual app, the browser).

The workspace (one store and the flows), sessions as a person sees them,
answering, branching, export, the session tree and where files live. Never
imports textual: a test keeps it so.
"""
