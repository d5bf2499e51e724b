"""Operating the email plugin: its settings stop start-up when wrong, and `convene mail test`
says whether the SMTP settings work, and if not, which kind of failure it was."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from core.cli import main
from core.plugins import load_plugins
from core.settings import ConfigError, settings_from_dict
from email_fixtures import FROM, email_plugins
from helpers import make_settings
from smtp_fixtures import PASSWORD, USER, free_port, self_signed_certificate, smtp_server


@pytest.mark.parametrize(("key", "value"), [
    ("from_address", "not an address"),
    ("from_address", "events@example.org\r\nBcc: all@example.org"),
    ("reply_to", "a@example.org, b@example.org"),
    ("smtp_security", "ssl"),
    ("smtp_port", 0),
])
def test_a_bad_setting_stops_start_up_naming_the_key(data_dir, key, value):
    plugins = email_plugins(25)
    plugins["email"][key] = value
    with pytest.raises(ConfigError, match=key):
        load_plugins(make_settings(data_dir, plugins=plugins), environ={})


def test_the_environment_overrides_the_password(data_dir):
    plugins = email_plugins(25, smtp_username=USER, smtp_password="in the file")
    _, configs = load_plugins(make_settings(data_dir, plugins=plugins), environ={"CONVENE_SMTP_PASSWORD": PASSWORD})
    assert configs["email"].smtp_password == PASSWORD


def mail_test(tmp_path, email: dict[str, object], to: str = "ops@example.org"):  # noqa: ANN001, ANN201
    """`convene mail test --to` with a config file whose [plugins.email] is ``email``."""
    lines = [f'{key} = {value!r}' if isinstance(value, str) else f"{key} = {value}" for key, value in email.items()]
    config = tmp_path / "convene.toml"
    config.write_text(
        f'secret_key = "{"s" * 40}"\npublic_url = "https://events.example.org"\ndata_dir = "{tmp_path}"\n'
        '[plugins]\nenabled = ["email"]\n[plugins.email]\n' + "\n".join(lines).replace("'", '"') + "\n")
    # the plugins' commands are looked up in the config the environment names
    return CliRunner().invoke(main, ["--config", str(config), "mail", "test", "--to", to],
                              env={"CONVENE_CONFIG": str(config)})


def test_mail_test_sends_a_message(tmp_path):
    with smtp_server() as (controller, server):
        result = mail_test(tmp_path, {"smtp_host": "127.0.0.1", "smtp_port": controller.port, "from_address": FROM})
        assert result.exit_code == 0, result.output
        assert "accepted the test message to ops@example.org" in result.output
        [mail] = server.messages
        assert mail["Subject"] == "Test message from Convene" and mail["Message-ID"].endswith("@events.example.org>")


def test_mail_test_over_starttls_with_login(tmp_path):
    certificate = self_signed_certificate(tmp_path)
    with smtp_server(tls=certificate) as (controller, server):
        result = mail_test(tmp_path, {"smtp_host": "127.0.0.1", "smtp_port": controller.port, "from_address": FROM,
                                      "smtp_security": "starttls", "smtp_ca_file": str(certificate[0]),
                                      "smtp_username": USER, "smtp_password": PASSWORD})
        assert result.exit_code == 0, result.output
        assert len(server.messages) == 1


def test_mail_test_names_a_connection_failure(tmp_path):
    result = mail_test(tmp_path, {"smtp_host": "127.0.0.1", "smtp_port": free_port(), "from_address": FROM})
    assert result.exit_code == 1 and "connection: cannot talk to 127.0.0.1:" in result.output, result.output


def test_mail_test_names_a_dns_failure(tmp_path):
    result = mail_test(tmp_path, {"smtp_host": "no-such-host.invalid", "smtp_port": 25, "from_address": FROM})
    assert result.exit_code == 1 and "DNS: cannot resolve the SMTP host 'no-such-host.invalid'" in result.output, result.output


def test_mail_test_names_a_tls_failure(tmp_path):
    """A certificate the client has no reason to trust (no smtp_ca_file) is a TLS failure."""
    with smtp_server(tls=self_signed_certificate(tmp_path)) as (controller, server):
        result = mail_test(tmp_path, {"smtp_host": "127.0.0.1", "smtp_port": controller.port, "from_address": FROM,
                                      "smtp_security": "starttls", "smtp_username": USER, "smtp_password": PASSWORD})
        assert result.exit_code == 1 and "TLS: the secure connection" in result.output, result.output
        assert "CERTIFICATE_VERIFY_FAILED" in result.output and server.messages == []


def test_mail_test_names_an_authentication_failure(tmp_path):
    certificate = self_signed_certificate(tmp_path)
    with smtp_server(tls=certificate) as (controller, server):
        result = mail_test(tmp_path, {"smtp_host": "127.0.0.1", "smtp_port": controller.port, "from_address": FROM,
                                      "smtp_security": "starttls", "smtp_ca_file": str(certificate[0]),
                                      "smtp_username": USER, "smtp_password": "wrong"})
        assert result.exit_code == 1 and "authentication: 127.0.0.1:" in result.output and "535" in result.output, \
            result.output


def test_mail_test_names_a_refusal(tmp_path):
    with smtp_server() as (controller, server):
        server.rcpt_answers.append("550 5.1.1 no such user")
        result = mail_test(tmp_path, {"smtp_host": "127.0.0.1", "smtp_port": controller.port, "from_address": FROM})
        assert result.exit_code == 1 and "refusal: 127.0.0.1:" in result.output and "550 5.1.1 no such user" in result.output, \
            result.output


def test_mail_test_refuses_an_address_with_a_line_break(tmp_path):
    result = mail_test(tmp_path, {"smtp_host": "127.0.0.1", "smtp_port": 25, "from_address": FROM},
                       to="ops@example.org\nBcc: all@example.org")
    assert result.exit_code == 1 and "control characters" in result.output, result.output


def test_quick_start_config_leaves_email_off_and_shows_how_to_turn_it_on():
    import tomllib

    from core.settings import new_config_text

    text = new_config_text()
    assert "email" not in tomllib.loads(text)["plugins"]["enabled"]
    assert "# [plugins.email]" in text
    settings_from_dict(tomllib.loads(text))
