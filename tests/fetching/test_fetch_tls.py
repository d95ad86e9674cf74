"""https to a vetted address: the URL carries the IP, TLS the real name (SNI), and the
certificate is verified against that name."""

from __future__ import annotations

import pytest

from incidents.fetching import FetchError, FetchPolicy, fetch
from tests.support.web_server import LocalWebServer, make_certificates, server_tls


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    ca_file, cert_file, key_file = make_certificates(directory, ["news.test"])
    return ca_file, cert_file, key_file


def _serve(certificates, names_seen):
    _ca, cert_file, key_file = certificates
    context = server_tls(cert_file, key_file)
    context.sni_callback = lambda sock, name, ctx: names_seen.append(name)
    return LocalWebServer({"/": (200, {"Content-Type": "text/html"}, b"secure")}, tls=context)


def test_https_reaches_the_pinned_address_under_its_real_name(dns, certificates):
    dns.answers["news.test"] = ["127.0.0.1"]
    names_seen: list[str] = []
    with _serve(certificates, names_seen) as server:
        policy = FetchPolicy(
            allowed_hosts=frozenset({"news.test"}), ca_file=str(certificates[0]), timeout=3.0
        )
        result = fetch(server.url("/", host="news.test"), policy)
        assert result.content == b"secure" and result.final_url == server.url("/", host="news.test")
        assert server.requests[0].headers["Host"] == f"news.test:{server.port}"
    assert names_seen == ["news.test"]
    assert dns.asked == ["news.test"]


def test_a_certificate_for_another_name_is_a_lasting_error(dns, certificates):
    dns.answers["other.test"] = ["127.0.0.1"]
    with _serve(certificates, []) as server:
        policy = FetchPolicy(
            allowed_hosts=frozenset({"other.test"}), ca_file=str(certificates[0]), timeout=3.0
        )
        with pytest.raises(FetchError, match="The certificate of other.test could not be verified") as caught:
            fetch(server.url("/", host="other.test"), policy)
        assert not caught.value.transient
        assert server.requests == []


def test_an_unknown_authority_is_a_lasting_error(dns, certificates):
    dns.answers["news.test"] = ["127.0.0.1"]
    with _serve(certificates, []) as server:
        policy = FetchPolicy(allowed_hosts=frozenset({"news.test"}), timeout=3.0)  # default CA bundle
        with pytest.raises(FetchError, match="could not be verified") as caught:
            fetch(server.url("/", host="news.test"), policy)
        assert not caught.value.transient
