"""Template context every page needs: the user's organisation and scope."""

from daicho.core.permissions import scope_of


def daicho(request):
    return {
        "organisation": getattr(request, "organisation", None),
        "scope": scope_of(getattr(request, "user", None)),
    }
