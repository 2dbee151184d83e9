from django.shortcuts import render

from iop.access import family_required
from iop.models import Client


@family_required
def home(request):
    clients = Client.objects.visible_to(request.user).select_related("cohort")
    return render(request, "families/home.html", {"clients": clients})
