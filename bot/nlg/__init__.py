"""Localized responses: the NLG endpoint Rasa calls to render every response."""
