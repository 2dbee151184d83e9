"""Family members see the app in the language they chose (``User.language``),
whatever their browser says; staff keep Django's usual negotiation."""

from django.utils import translation


class FamilyLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_family and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
