"""The assistant's own package: settings, languages, localized responses, NLU components, CLI."""
