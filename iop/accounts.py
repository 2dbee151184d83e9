"""How accounts come to exist: by invitation only, never by self sign-up; and
who the sign-in pages may write to."""

from allauth.account.adapter import DefaultAccountAdapter


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def send_password_reset_mail(self, user, email, context):
        """Nothing goes to someone the team marked "do not contact" (product.md: a
        parent it is unsafe to write to): whoever typed the address on the reset page
        is answered as for any address, and no mail naming the clinic arrives. Their
        account is reopened by the program office."""
        if getattr(user, "do_not_contact", False):
            return
        super().send_password_reset_mail(user, email, context)
