"""JSON views: a resolution with its paragraphs."""
from django.http import HttpRequest, JsonResponse


def resolution_detail(request: HttpRequest, symbol: str) -> JsonResponse:
    return JsonResponse({"error": "not implemented"}, status=501)
