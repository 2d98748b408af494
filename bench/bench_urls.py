"""The platform's URLs plus two ceilings behind the same middleware: a bare JSON view and a
bare one-row read by primary key (no authentication, no jurisdiction)."""

from django.http import JsonResponse
from django.urls import path

from haolinju.people.models import Person
from haolinju.urls import urlpatterns as platform


def bare(request):
    return JsonResponse({"ok": True})


def row(request, pk: int):
    values = Person.objects.filter(pk=pk).values("id", "name", "area_path").first()
    return JsonResponse(values or {}, status=200 if values else 404)


urlpatterns = [
    path("bench/bare", bare),
    path("bench/row/<int:pk>", row),
    *platform,
]
