"""The optional second factor (TOTP through django-otp): who must give one, enrolment, removal.

Whether a signed-in session still owes a code is decided once at sign-in and kept in the
session, so pages do not pay a query for it.
"""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from daicho.core import audit
from daicho.core.audit import Action
from daicho.core.permissions import scope_of

SESSION_KEY = "daicho_2fa"  # "verify", "setup" or "" (nothing owed)


def second_factor_required(user) -> bool:
    """DAICHO_TOTP_REQUIRED makes a second factor compulsory for the IT policy division."""
    return settings.DAICHO_TOTP_REQUIRED and (
        user.is_superuser or bool(scope_of(user).policy_org_ids)
    )


def confirmed_devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


@receiver(user_logged_in)
def _decide_at_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if request.session.get("daicho_signin") == "oidc":
        owed = ""
    elif confirmed_devices(user).exists():
        owed = "verify"
    elif second_factor_required(user):
        owed = "setup"
    else:
        owed = ""
    request.session[SESSION_KEY] = owed


def second_factor_needed(request) -> str:
    """What the session still owes: "verify" (a code), "setup" (enrol first) or ""."""
    return request.session.get(SESSION_KEY, "")


def device_for_setup(user) -> TOTPDevice:
    """The user's unconfirmed device (made on first visit); its key is shown until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Daicho", confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps show it (base32, in groups of four)."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _check(device: TOTPDevice, token: str) -> bool:
    token = "".join(ch for ch in token if ch.isdigit())
    allowed, _reason = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(_("Too many wrong codes: wait a little and try again."))
    return bool(token) and device.verify_token(token)


@transaction.atomic
def totp_confirm(*, request, device: TOTPDevice, token: str) -> None:
    """Confirm an enrolment with the first code from the app; the session counts as verified."""
    if device.user_id != request.user.pk or device.confirmed:
        raise PermissionDenied
    if not _check(device, token):
        raise ValidationError(_("The code is not correct. Check the time on your phone."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    audit.record(action=Action.CREATE, obj=device, after={"second_factor": "totp"})
    otp_login(request, device)
    request.session[SESSION_KEY] = ""


def totp_verify(*, request, token: str) -> None:
    """Complete a password sign-in with a code from any of the user's devices."""
    for device in confirmed_devices(request.user):
        if _check(device, token):
            otp_login(request, device)
            request.session[SESSION_KEY] = ""
            return
    raise ValidationError(_("The code is not correct. Check the time on your phone."))


@transaction.atomic
def totp_remove(*, request) -> None:
    """Remove the user's second factor (not allowed where it is required)."""
    user = request.user
    if second_factor_required(user):
        raise PermissionDenied(_("The IT policy division must use a second factor."))
    for device in TOTPDevice.objects.filter(user=user):
        if device.confirmed:
            audit.record(action=Action.DELETE, obj=device, before={"second_factor": "totp"})
        device.delete()
