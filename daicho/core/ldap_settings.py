"""django-auth-ldap settings from DAICHO_LDAP_* environment variables (LDAP or Active Directory).

Only imported when DAICHO_LDAP_SERVER_URI is set, so python-ldap (a C extension that needs
libldap2-dev and libsasl2-dev to build) is needed only by deployments that use a directory.
"""

from __future__ import annotations

from typing import Any


def ldap_settings(env) -> dict[str, Any]:
    """AUTH_LDAP_* settings. Active Directory needs only the URI, a bind account and the base DN:

    DAICHO_LDAP_SERVER_URI=ldaps://ad.pref.example.lg.jp
    DAICHO_LDAP_BIND_DN=CN=daicho,OU=Service,DC=pref,DC=example,DC=lg,DC=jp
    DAICHO_LDAP_BIND_PASSWORD=...
    DAICHO_LDAP_USER_BASE=OU=Staff,DC=pref,DC=example,DC=lg,DC=jp
    DAICHO_LDAP_GROUP_BASE=OU=Groups,DC=pref,DC=example,DC=lg,DC=jp
    """
    import ldap
    from django_auth_ldap.config import (
        ActiveDirectoryGroupType,
        GroupOfNamesType,
        LDAPSearch,
        NestedActiveDirectoryGroupType,
    )

    group_types = {
        "active_directory": ActiveDirectoryGroupType,
        "nested_active_directory": NestedActiveDirectoryGroupType,
        "group_of_names": GroupOfNamesType,
    }
    group_type = env.str("DAICHO_LDAP_GROUP_TYPE", default="active_directory")
    if group_type not in group_types:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"DAICHO_LDAP_GROUP_TYPE must be one of {', '.join(group_types)}, not {group_type!r}."
        )
    group_base = env.str("DAICHO_LDAP_GROUP_BASE", default="")
    settings: dict[str, Any] = {
        "AUTH_LDAP_SERVER_URI": env.str("DAICHO_LDAP_SERVER_URI"),
        "AUTH_LDAP_BIND_DN": env.str("DAICHO_LDAP_BIND_DN", default=""),
        "AUTH_LDAP_BIND_PASSWORD": env.str("DAICHO_LDAP_BIND_PASSWORD", default=""),
        "AUTH_LDAP_START_TLS": env.bool("DAICHO_LDAP_START_TLS", default=False),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            env.str("DAICHO_LDAP_USER_BASE"),
            ldap.SCOPE_SUBTREE,
            env.str("DAICHO_LDAP_USER_FILTER", default="(sAMAccountName=%(user)s)"),
        ),
        "AUTH_LDAP_USER_ATTR_MAP": {
            "first_name": env.str("DAICHO_LDAP_ATTR_NAME", default="displayName"),
            "email": env.str("DAICHO_LDAP_ATTR_EMAIL", default="mail"),
        },
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_CONNECTION_OPTIONS": {
            ldap.OPT_REFERRALS: 0,  # Active Directory's referrals break searches from the root
            ldap.OPT_NETWORK_TIMEOUT: env.int("DAICHO_LDAP_TIMEOUT", default=5),
        },
    }
    if group_base:
        settings["AUTH_LDAP_GROUP_SEARCH"] = LDAPSearch(
            group_base,
            ldap.SCOPE_SUBTREE,
            env.str(
                "DAICHO_LDAP_GROUP_FILTER",
                default="(objectClass=groupOfNames)"
                if group_type == "group_of_names"
                else "(objectClass=group)",
            ),
        )
        settings["AUTH_LDAP_GROUP_TYPE"] = group_types[group_type]()
        settings["AUTH_LDAP_FIND_GROUP_PERMS"] = False
    return settings
