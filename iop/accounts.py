"""How accounts come to exist: by invitation only, never by self sign-up."""

from allauth.account.adapter import DefaultAccountAdapter


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False
