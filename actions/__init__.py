"""Custom actions for the rasa-sdk action server (`rasa run actions --actions actions`)."""
from bot.policies import get_policies

# The action server refuses to start on a broken policy file (bot/policies.py says where).
get_policies()
