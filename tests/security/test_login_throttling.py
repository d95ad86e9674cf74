"""Login throttling (django-axes with incidents.security): wrong passwords lock a username from one
address for a while, on the desk's login page and the admin's, with a page that says how long."""

from __future__ import annotations

import pytest

PASSWORD = "a-long-test-password"  # the analyst fixture's
LOGIN = "/accounts/login/"
LOCKED = "Too many failed attempts; try again in 15 minutes."


def _post(client, username: str, password: str, ip: str = "10.0.0.1", path: str = LOGIN, **extra):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _fail(client, times: int, username: str = "ana", ip: str = "10.0.0.1", **extra) -> None:
    for _ in range(times):
        response = _post(client, username, "wrong-password", ip, **extra)
        assert response.status_code in (200, 429)


@pytest.mark.django_db
def test_the_right_password_is_refused_after_too_many_wrong_ones(client, analyst):
    _fail(client, 5)
    response = _post(client, "ana", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still not logged in


@pytest.mark.django_db
def test_fewer_failures_than_the_limit_still_let_the_user_in_and_a_success_resets_them(client, analyst):
    _fail(client, 4)
    assert _post(client, "ana", PASSWORD).status_code == 302
    client.logout()
    _fail(client, 4)  # counted from zero again: four more are not a lockout
    assert _post(client, "ana", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_lock_holds_one_user_at_one_address_only(client, analyst, django_user_model):
    django_user_model.objects.create_user("bea", password=PASSWORD)
    _fail(client, 5)
    assert _post(client, "ana", PASSWORD).status_code == 429
    assert _post(client, "bea", PASSWORD).status_code == 302  # another user from that address
    client.logout()
    assert _post(client, "ana", PASSWORD, ip="10.0.0.2").status_code == 302  # ana from elsewhere


@pytest.mark.django_db
def test_an_address_trying_many_usernames_is_locked(client, analyst, settings):
    settings.AXES_IP_FAILURE_LIMIT = 6
    for name in ("u1", "u2", "u3"):
        _fail(client, 2, username=name)
    response = _post(client, "ana", PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert _post(client, "ana", PASSWORD, ip="10.0.0.2").status_code == 302


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too(client, analyst):
    _fail(client, 5, path="/admin/login/")
    response = _post(client, "ana", PASSWORD, path="/admin/login/")
    assert response.status_code == 429 and LOCKED in response.content.decode()


@pytest.mark.django_db
def test_the_cool_off_and_limit_come_from_settings(client, analyst, settings):
    import datetime as dt

    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=1)
    _fail(client, 2)
    response = _post(client, "ana", PASSWORD)
    assert response.status_code == 429
    assert "try again in 1 minute." in response.content.decode()


@pytest.mark.django_db
def test_forwarded_addresses_are_ignored_unless_proxies_are_configured(client, analyst, settings):
    _fail(client, 5, HTTP_X_FORWARDED_FOR="203.0.113.9")
    # a client that makes up another X-Forwarded-For is still the same socket address
    assert _post(client, "ana", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 429

    settings.DJANGO_PROXY_COUNT = 1  # one proxy: its socket address is shared, the header is not
    assert _post(client, "ana", PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.10").status_code == 302
    client.logout()
    _fail(client, 5, HTTP_X_FORWARDED_FOR="203.0.113.11")
    assert _post(client, "ana", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.11").status_code == 429


@pytest.mark.django_db
def test_the_test_clients_login_still_works_with_axes(client, analyst):
    """tests/conftest.py gives client.login() the request axes' backend needs."""
    assert client.login(username="ana", password=PASSWORD)
    assert not client.login(username="ana", password="wrong-password")
