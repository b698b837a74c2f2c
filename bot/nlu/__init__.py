"""Custom Rasa NLU components, referenced by name in config.yml."""
