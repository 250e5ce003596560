"""API tokens for scripts: ``POST /api/v1/auth/token/`` with a user name and
password gives the user's token; ``DELETE`` (authenticated with it, or with a
session) revokes it. Administrators revoke anyone's in the admin (Auth Token
→ Tokens, registered by ``rest_framework.authtoken``).

Failed attempts count towards django-axes' lockout like the login page's: a
locked-out user name or address gets 429 until the cool-off ends, even with
the right password.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many failed attempts: try again later.")
    default_code = "locked_out"


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})

    def validate(self, attrs):
        request = self.context["request"]
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if getattr(request, "axes_locked_out", False):
            raise LockedOut()
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                _("Unable to sign in with this user name and password."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text=_("Send as “Authorization: Token …”."))


class TokenView(APIView):
    """Obtain (POST) or revoke (DELETE) the caller's API token."""

    renderer_classes = [JSONRenderer]

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        request=CredentialsSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description=_("Wrong user name or password.")),
            429: OpenApiResponse(description=_("Locked out after too many failed attempts.")),
        },
        auth=[],
        summary=_("Obtain an API token"),
    )
    def post(self, request):
        credentials = CredentialsSerializer(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=credentials.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None}, summary=_("Revoke your API token"))
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
