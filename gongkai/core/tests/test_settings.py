"""The settings' readers of environment variables (config/settings.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "Yes", "on", " on "])
def test_a_yes_value_turns_a_setting_on(monkeypatch, value):
    monkeypatch.setenv("GONGKAI_TEST_FLAG", value)
    assert env_bool("GONGKAI_TEST_FLAG", False) is True


@pytest.mark.parametrize("value", ["0", "false", "False", "NO", "off"])
def test_a_no_value_turns_a_setting_off(monkeypatch, value):
    monkeypatch.setenv("GONGKAI_TEST_FLAG", value)
    assert env_bool("GONGKAI_TEST_FLAG", True) is False


@pytest.mark.parametrize("value", [None, "", "  "])
def test_an_unset_or_empty_setting_takes_its_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("GONGKAI_TEST_FLAG", raising=False)
    else:
        monkeypatch.setenv("GONGKAI_TEST_FLAG", value)
    assert env_bool("GONGKAI_TEST_FLAG", True) is True
    assert env_bool("GONGKAI_TEST_FLAG", False) is False


@pytest.mark.parametrize("value", ["ture", "flase", "2", "enabled", "y"])
def test_a_value_it_does_not_know_stops_the_start_naming_the_variable_and_the_accepted_values(monkeypatch, value):
    monkeypatch.setenv("GONGKAI_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_bool("GONGKAI_TEST_FLAG", False)
    message = str(refused.value)
    assert "GONGKAI_TEST_FLAG" in message and repr(value) in message
    for word in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        assert word in message


def test_the_settings_module_refuses_a_typo_in_a_real_setting():
    """Loading the settings with GONGKAI_HTTPS=ture fails instead of serving without Secure cookies."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "GONGKAI_HTTPS": "ture"}
    done = subprocess.run(
        [sys.executable, "-c", "import config.settings"], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "GONGKAI_HTTPS" in done.stderr
