"""Template context every page needs: the user's organisation and scope, and the organisations
the switcher offers to someone who belongs to several."""

from django.utils.functional import SimpleLazyObject

from daicho.core.permissions import organisations_of, scope_of


def _switchable(user):
    from daicho.core.models import Organisation

    ids = organisations_of(user)
    return list(Organisation.objects.filter(pk__in=ids)) if len(ids) > 1 else []


def daicho(request):
    user = getattr(request, "user", None)
    return {
        "organisation": getattr(request, "organisation", None),
        "scope": scope_of(user),
        "switchable_organisations": SimpleLazyObject(lambda: _switchable(user)),
    }
