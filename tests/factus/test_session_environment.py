"""The session reads the proxy and CA-bundle variables once, when it is built, not on every request."""

import dataclasses

from factus.http import build_session


def test_a_proxy_of_the_environment_is_used(conf, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session = build_session(conf)
    scheme = conf.base_url.split(":", 1)[0]
    assert session.proxies[scheme] == "http://proxy.example:3128"


def test_no_proxy_for_the_factus_host_is_honoured(conf, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "factus.test")
    session = build_session(dataclasses.replace(conf, base_url="https://factus.test"))
    assert session.proxies == {}


def test_a_ca_bundle_of_the_environment_verifies_tls(conf, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    assert build_session(conf).verify == "/etc/ssl/certs/ca-certificates.crt"
