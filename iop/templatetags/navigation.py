from django import template

from iop.navigation import menu

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The signed-in user's menu links (``iop.navigation.menu``) for this page."""
    request = context["request"]
    return menu(request.user, request.path)
