"""Agent accounts: scrypt hashes with their own salt, checked in constant time."""
from __future__ import annotations

import hmac

import pytest

from ticketing import agents as agents_module
from ticketing.agents import AgentError, hash_password, verify_password
from tests.ticketing.conftest import PASSWORD


def test_a_password_hash_is_salted_and_names_its_parameters():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second  # a salt per password
    assert first.startswith("scrypt$16384$8$1$")
    assert PASSWORD not in first
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + "!", first)
    assert not verify_password("", first)


@pytest.mark.parametrize("stored", ["", "plain-text", "md5$abc", "scrypt$16384$8$1$not base64$???", "scrypt$x$8$1$AA==$AA=="])
def test_a_damaged_hash_never_verifies(stored):
    assert not verify_password(PASSWORD, stored)


def test_the_comparison_is_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(agents_module.hmac, "compare_digest", spy)
    assert verify_password(PASSWORD, hash_password(PASSWORD))
    assert len(calls) == 1


def test_short_passwords_are_refused():
    with pytest.raises(AgentError, match="at least"):
        hash_password("short")


def test_agents_are_created_and_authenticated(agents):
    agent = agents.create("Ana.Silva", PASSWORD, display_name="Ana Silva", languages=["PT", "es", "", "pt"], on_duty=True)
    assert (agent.username, agent.display_name, agent.role, agent.languages) == ("ana.silva", "Ana Silva", "agent", ["pt", "es"])
    assert agent.created_at.tzinfo is not None
    assert agents.authenticate("ana.silva", PASSWORD).id == agent.id
    assert agents.authenticate("ANA.SILVA", PASSWORD).id == agent.id
    assert agents.authenticate("ana.silva", "wrong password!") is None
    assert agents.authenticate("nobody", PASSWORD) is None
    with pytest.raises(AgentError, match="taken"):
        agents.create("ana.silva", PASSWORD)
    with pytest.raises(AgentError, match="username"):
        agents.create("a b", PASSWORD)
    with pytest.raises(AgentError, match="role"):
        agents.create("root", PASSWORD, role="superuser")


def test_duty_languages_and_passwords_change(agents):
    agent = agents.create("ben", PASSWORD, role="admin")
    assert not agent.on_duty
    assert agents.set_on_duty(agent.id, True).on_duty
    assert agents.set_languages(agent.id, ["ja"]).languages == ["ja"]
    agents.set_password(agent.id, "a new long password")
    assert agents.authenticate("ben", PASSWORD) is None
    assert agents.authenticate("ben", "a new long password").role == "admin"
    assert [a.username for a in agents.all()] == ["ben"]
    with pytest.raises(AgentError):
        agents.set_on_duty(9999, True)
