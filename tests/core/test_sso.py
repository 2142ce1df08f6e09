"""Single sign-on: OpenID Connect against a mocked identity provider, LDAP/Active Directory against
an in-memory directory, and directory groups mapped to roles (granted and revoked at sign-in)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from daicho.core.models import AuditEvent, Membership, MembershipSource, Role, User
from daicho.core.signin import grants_for, memberships_sync_from_directory

ROLE_MAP = {
    "daicho-it-policy": "it_policy@D01-S01",
    "CN=Daicho-Owners-Kurashi,OU=Groups,DC=pref,DC=example,DC=lg,DC=jp": "owner@D02-S01",
    "all-staff": "viewer",
    "broken": ["nonsense", "owner"],  # an unknown role, and owner without a unit: both ignored
}


@pytest.fixture
def role_map(settings):
    settings.DAICHO_ROLE_MAP = ROLE_MAP
    settings.DAICHO_SSO_ORGANISATION = "330001"


def test_groups_map_to_roles_and_bad_rules_are_skipped(world, role_map):
    grants = grants_for(["DAICHO-IT-POLICY", "all-staff", "broken", "unrelated"])
    assert {(g.role, g.unit_id) for g in grants} == {
        (Role.IT_POLICY, world.section_a.pk),
        (Role.VIEWER, None),
    }


def test_directory_roles_follow_the_groups_and_hand_granted_roles_stay(world, role_map):
    user = User.objects.create(username="yamada")
    Membership.objects.create(user=user, organisation=world.org, role=Role.AUDITOR)  # by hand
    assert memberships_sync_from_directory(user=user, groups=["daicho-it-policy"]) == (1, 0)
    assert memberships_sync_from_directory(user=user, groups=["all-staff"]) == (1, 1)
    roles = dict(Membership.objects.filter(user=user).values_list("role", "source"))
    assert roles == {Role.AUDITOR: MembershipSource.LOCAL, Role.VIEWER: MembershipSource.DIRECTORY}
    revoked = AuditEvent.objects.get(action="delete", before__role=Role.IT_POLICY)
    assert revoked.actor == user and revoked.message == "directory"


# --- OpenID Connect ------------------------------------------------------------------------------

IDP = "https://idp.pref.example.lg.jp/realms/staff/protocol/openid-connect"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWK = {**jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "kid": "k1"}


@pytest.fixture
def oidc(settings, role_map):
    settings.DAICHO_OIDC_ENABLED = True
    settings.DAICHO_OIDC_LABEL = "岡山県統合認証でログイン"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "daicho.core.signin.DirectoryOIDCBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = "daicho"
    settings.OIDC_RP_CLIENT_SECRET = "s3cret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{IDP}/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{IDP}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{IDP}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{IDP}/certs"
    settings.OIDC_RP_SIGN_ALGO = "RS256"


class Provider:
    """A mocked identity provider: the token, JWKS and userinfo endpoints answer as Keycloak or
    Entra ID would, for whoever `signs_in`."""

    def __init__(self, claims: dict):
        self.claims = claims
        self.nonce = ""
        self.token_requests = []

    def _response(self, data, status=200):
        response = mock.Mock(status_code=status, headers={"content-type": "application/json"})
        response.json.return_value = data
        response.raise_for_status.return_value = None
        return response

    def post(self, url, data=None, **kwargs):
        assert url == f"{IDP}/token"
        self.token_requests.append(data)
        id_token = jwt.encode(
            {
                "iss": IDP,
                "aud": "daicho",
                "sub": self.claims["sub"],
                "nonce": self.nonce,
                "exp": int(time.time()) + 300,
                "groups": self.claims.get("groups", []),
            },
            KEY,
            algorithm="RS256",
            headers={"kid": "k1"},
        )
        return self._response({"id_token": id_token, "access_token": "at", "token_type": "Bearer"})

    def get(self, url, **kwargs):
        if url == f"{IDP}/certs":
            return self._response({"keys": [JWK]})
        assert url == f"{IDP}/userinfo"
        return self._response({k: v for k, v in self.claims.items() if k != "groups"})


def sign_in(client, provider: Provider, *, tamper_nonce=False):
    start = client.get(reverse("oidc_authentication_init") + "?next=/systems/")
    assert start.status_code == 302 and start.url.startswith(f"{IDP}/auth")
    query = parse_qs(urlsplit(start.url).query)
    assert query["client_id"] == ["daicho"] and "code_challenge" in query  # PKCE
    provider.nonce = "forged" if tamper_nonce else query["nonce"][0]
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", provider.post),
        mock.patch("mozilla_django_oidc.auth.requests.get", provider.get),
    ):
        return client.get(
            reverse("oidc_authentication_callback"),
            {"code": "abc", "state": query["state"][0]},
        )


CLAIMS = {
    "sub": "8d1c-4b7e",
    "preferred_username": "suzuki",
    "email": "suzuki@pref.example.lg.jp",
    "name": "鈴木 一郎",
    "groups": ["daicho-it-policy", "all-staff"],
}


def test_openid_connect_signs_in_creates_the_user_and_maps_groups(world, client, oidc):
    page = client.get(reverse("login")).content.decode()
    assert "岡山県統合認証でログイン" in page
    response = sign_in(client, Provider(CLAIMS))
    assert response.status_code == 302 and response.url == "/systems/"
    user = User.objects.get(username="suzuki")
    assert user.email == "suzuki@pref.example.lg.jp" and user.first_name == "鈴木 一郎"
    assert not user.has_usable_password()  # never a local password: reset by e-mail cannot work
    assert set(Membership.objects.filter(user=user).values_list("role", flat=True)) == {
        Role.IT_POLICY,
        Role.VIEWER,
    }
    assert client.get(reverse("registry:system_list")).status_code == 200
    assert AuditEvent.objects.filter(actor=user, after__role=Role.IT_POLICY).exists()


def test_leaving_the_group_removes_the_role_at_the_next_sign_in(world, client, oidc):
    sign_in(client, Provider(CLAIMS))
    client.logout()
    sign_in(client, Provider({**CLAIMS, "groups": ["all-staff"]}))
    user = User.objects.get(username="suzuki")
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [
        Role.VIEWER
    ]


def test_a_forged_token_or_a_disabled_account_does_not_sign_in(world, client, oidc):
    response = sign_in(client, Provider(CLAIMS), tamper_nonce=True)
    assert response.status_code == 302 and "sso=failed" in response.url
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "統合認証でログインできませんでした" in page
    User.objects.create(username="suzuki", is_active=False)
    sign_in(client, Provider(CLAIMS))
    assert "_auth_user_id" not in client.session


def test_sso_sign_ins_leave_the_second_factor_to_the_identity_provider(
    world, client, oidc, settings
):
    settings.DAICHO_TOTP_REQUIRED = True
    sign_in(client, Provider(CLAIMS))
    assert client.get(reverse("home")).status_code == 200


def test_without_configuration_the_sso_pages_do_not_exist(world, client):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert "統合認証" not in client.get(reverse("login")).content.decode()


# --- LDAP / Active Directory ---------------------------------------------------------------------

try:
    import ldap
except ImportError:  # python-ldap is the optional [ldap] extra (CI installs it)
    ldap = None


def _need_ldap():
    if ldap is None:
        if os.environ.get("DAICHO_REQUIRE_LDAP"):
            pytest.fail("python-ldap is not installed (pip install -e '.[ldap]')")
        pytest.skip("python-ldap is the optional [ldap] extra")


BASE = "DC=pref,DC=example,DC=lg,DC=jp"
TANAKA = f"CN=田中 花子,OU=Staff,{BASE}"
OWNERS = f"CN=Daicho-Owners-Kurashi,OU=Groups,{BASE}"


class Directory:
    """An in-memory Active Directory for python-ldap's calls: one service account, one person in
    one group."""

    people = {
        TANAKA: {
            "sAMAccountName": [b"tanaka"],
            "displayName": ["田中 花子".encode()],
            "mail": [b"tanaka@pref.example.lg.jp"],
        }
    }
    passwords = {f"CN=daicho,OU=Service,{BASE}": "bind-pw", TANAKA: "Hanako-2026"}
    groups = {OWNERS: {"cn": [b"Daicho-Owners-Kurashi"], "member": [TANAKA.encode()]}}

    def __init__(self, uri, **kwargs):
        assert uri == "ldaps://ad.pref.example.lg.jp"

    def set_option(self, *args):
        pass

    def simple_bind_s(self, who="", cred=""):
        passwords = {dn.lower(): pw for dn, pw in self.passwords.items()}  # DNs ignore case
        if passwords.get(who.lower()) != cred:
            raise ldap.INVALID_CREDENTIALS({"desc": "Invalid credentials"})

    def search_s(self, base, scope, filterstr="(objectClass=*)", attrlist=None):
        if "sAMAccountName=" in filterstr:
            name = filterstr.split("sAMAccountName=")[1].split(")")[0]
            return [
                (dn, attrs)
                for dn, attrs in self.people.items()
                if attrs["sAMAccountName"] == [name.encode()]
            ]
        if "member=" in filterstr:
            return [
                (dn, attrs)
                for dn, attrs in self.groups.items()
                if any(m.decode().lower() in filterstr.lower() for m in attrs["member"])
            ]
        return []

    def unbind_s(self):
        pass


@pytest.fixture
def directory(settings, role_map, monkeypatch):
    _need_ldap()
    from daicho.core.ldap_settings import ldap_settings

    env = {
        "DAICHO_LDAP_SERVER_URI": "ldaps://ad.pref.example.lg.jp",
        "DAICHO_LDAP_BIND_DN": f"CN=daicho,OU=Service,{BASE}",
        "DAICHO_LDAP_BIND_PASSWORD": "bind-pw",
        "DAICHO_LDAP_USER_BASE": f"OU=Staff,{BASE}",
        "DAICHO_LDAP_GROUP_BASE": f"OU=Groups,{BASE}",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    import environ

    for key, value in ldap_settings(environ.Env()).items():
        setattr(settings, key, value)
    settings.DAICHO_LDAP_ENABLED = True
    backends = list(settings.AUTHENTICATION_BACKENDS)
    backends.insert(1, "daicho.core.signin.DirectoryLDAPBackend")
    settings.AUTHENTICATION_BACKENDS = backends
    monkeypatch.setattr(ldap, "initialize", Directory)


def test_active_directory_password_signs_in_with_the_groups_roles(world, client, directory):
    response = client.post(reverse("login"), {"username": "tanaka", "password": "Hanako-2026"})
    assert response.status_code == 302
    user = User.objects.get(username="tanaka")
    assert user.email == "tanaka@pref.example.lg.jp" and user.first_name == "田中 花子"
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.unit, membership.source) == (
        Role.OWNER,
        world.section_b,
        MembershipSource.DIRECTORY,
    )
    assert "庁内パソコン" in client.__class__().get(reverse("login")).content.decode()


def test_a_wrong_directory_password_fails_and_counts_towards_the_lock(world, client, directory):
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "tanaka", "password": "nope"})
        assert response.status_code == 200
    assert (
        client.post(reverse("login"), {"username": "tanaka", "password": "nope"}).status_code == 429
    )
    assert not User.objects.filter(username="tanaka").exists()


def test_ldap_and_oidc_are_configured_from_the_environment(tmp_path):
    _need_ldap()
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AUTHENTICATION_BACKENDS); print(s.AUTH_LDAP_USER_SEARCH.base_dn); "
        "print(s.AUTH_LDAP_USER_SEARCH.filterstr); print(s.OIDC_OP_TOKEN_ENDPOINT)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "daicho.settings",
        "DAICHO_VAR_DIR": str(tmp_path),
        "DAICHO_LDAP_SERVER_URI": "ldaps://ad.pref.example.lg.jp",
        "DAICHO_LDAP_USER_BASE": f"OU=Staff,{BASE}",
        "DAICHO_OIDC_CLIENT_ID": "daicho",
        "DAICHO_OIDC_TOKEN_ENDPOINT": f"{IDP}/token",
        "DAICHO_ROLE_MAP": '{"all-staff": "viewer"}',
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    lines = result.stdout.splitlines()
    assert "DirectoryLDAPBackend" in lines[0] and "DirectoryOIDCBackend" in lines[0]
    assert lines[0].index("ThrottlingBackend") < lines[0].index("DirectoryLDAPBackend")
    assert lines[1:] == [f"OU=Staff,{BASE}", "(sAMAccountName=%(user)s)", f"{IDP}/token"]
